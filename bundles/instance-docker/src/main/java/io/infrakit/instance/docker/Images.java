package io.infrakit.instance.docker;

import io.infrakit.instance.docker.DockerProperties.PullPolicy;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Makes sure the engine has an instance's image, as its {@code PullPolicy} says: pulled when missing
 * ({@code IfNotPresent}), before every container ({@code Always}), or never ({@code Never}: a missing image is an
 * error naming it). A pull is {@code POST /images/create}, whose answer is a stream of progress lines that ends
 * when the pull is over; an error comes either as the answer's status or as a line {@code {"error": ...}}.
 */
final class Images {

    private static final Logger LOG = LoggerFactory.getLogger(Images.class);

    private final ContainerApi api;
    private final Duration pullTimeout;

    /**
     * @param api the engine
     * @param pullTimeout the longest a pull may take
     */
    Images(ContainerApi api, Duration pullTimeout) {
        this.api = api;
        this.pullTimeout = pullTimeout;
    }

    /**
     * Makes sure the engine has the image, pulling it if the policy says so.
     *
     * @param image the image reference
     * @param policy the pull policy
     * @throws PluginException if the image is missing under {@code Never}, or the pull fails (the registry's words)
     */
    void ensure(String image, PullPolicy policy) throws PluginException {
        switch (policy) {
            case Never -> {
                if (!api.hasImage(image)) {
                    throw missing(image);
                }
            }
            case IfNotPresent -> {
                if (!api.hasImage(image)) {
                    pull(image);
                }
            }
            case Always -> pull(image);
        }
    }

    /**
     * The error of an image that is not on the engine while it may not be pulled.
     *
     * @param image the image reference
     * @return the error
     */
    PluginException missing(String image) {
        return new PluginException(DockerProperties.KIND + ": the image " + image + " is not on the Docker engine at " + api.host()
                + " and PullPolicy is Never: build, load or pull it there first (docker -H " + api.host() + " pull " + image
                + "), or set PullPolicy to IfNotPresent");
    }

    private void pull(String image) throws PluginException {
        LOG.info("Pulling image {} to the Docker engine at {}", image, api.host());
        AtomicReference<String> failure = new AtomicReference<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        long start = System.nanoTime();
        Closeable pull;
        try {
            pull = api.pull(ImageRef.parse(image), line -> {
                String error = progress(line);
                if (error != null) {
                    failure.compareAndSet(null, error);
                }
            }, end -> {
                if (end == null) {
                    done.complete(null);
                } else {
                    done.completeExceptionally(end);
                }
            });
        } catch (PluginException e) {
            throw cannotPull(image, e.getMessage(), e);
        }
        try {
            done.get(pullTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw cannotPull(image, "not done within " + pullTimeout.toSeconds() + " s (pull.timeout.seconds)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw cannotPull(image, "interrupted", e);
        } catch (ExecutionException e) {
            throw cannotPull(image, e.getCause().getMessage(), e.getCause());
        } finally {
            closeQuietly(pull);
        }
        if (failure.get() != null) {
            throw cannotPull(image, failure.get(), null);
        }
        if (!api.hasImage(image)) {
            throw cannotPull(image, "the engine said the pull was over, yet it has no image " + image, null);
        }
        LOG.info("Pulled image {} in {} ms", image, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    private String progress(RawJson line) {
        try {
            ContainerApi.PullProgress progress = api.json().decode(line, ContainerApi.PullProgress.class);
            return progress == null ? null : progress.failure();
        } catch (PluginException e) {
            LOG.debug("Ignoring a pull progress line that is not understood: {}", line);
            return null;
        }
    }

    private PluginException cannotPull(String image, String why, Throwable cause) {
        return new PluginException(DockerProperties.KIND + ": cannot pull the image " + image + " to the Docker engine at " + api.host() + ": " + why, cause);
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // the pull is over either way
        }
    }
}
