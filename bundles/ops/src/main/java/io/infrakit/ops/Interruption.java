package io.infrakit.ops;

/** Tells a failure that an interruption caused from one of its own. */
final class Interruption {

    private Interruption() {
    }

    /**
     * Throws an {@link InterruptedException} in place of a failure when the thread is interrupted (and clears its
     * flag, as a method that throws one does): Ctrl-C during a plugin call makes the call fail, and that is the user
     * ending the wait or watch, not the plugin's error.
     *
     * @param failure what a call threw
     * @throws InterruptedException if it is an interruption or the thread was interrupted, with the failure as cause
     */
    static void rethrowIfInterrupted(Exception failure) throws InterruptedException {
        if (failure instanceof InterruptedException e) {
            throw e;
        }
        if (Thread.interrupted()) {
            InterruptedException e = new InterruptedException("interrupted during a call: " + failure.getMessage());
            e.initCause(failure);
            throw e;
        }
    }
}
