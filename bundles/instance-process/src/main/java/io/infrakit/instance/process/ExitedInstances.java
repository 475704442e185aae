package io.infrakit.instance.process;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where the directories of instances whose process has ended go ({@code <dir>/.exited}), so that their
 * {@code output.log} can still be read. Only the latest few are kept: a script that keeps failing would
 * otherwise leave one directory per replacement.
 */
final class ExitedInstances {

    private static final Logger LOG = LoggerFactory.getLogger(ExitedInstances.class);

    private final Path dir;
    private final int keep;

    /**
     * @param dir the directory of ended instances
     * @param keep how many to keep; 0 removes them at once
     */
    ExitedInstances(Path dir, int keep) {
        this.dir = dir;
        this.keep = Math.max(0, keep);
    }

    /**
     * Moves the directory of an ended instance here, logs the end of its output, and removes the oldest
     * beyond the number to keep. Never fails: an instance directory removed meanwhile (by Destroy) is fine.
     *
     * @param home the instance's directory
     */
    void retire(Path home) {
        String id = home.getFileName().toString();
        LOG.warn("Instance {} has ended; last output: {}", id, InstanceFiles.tail(home.resolve(ProcessInstancePlugin.LOG_FILE), 2048));
        try {
            if (keep == 0) {
                InstanceFiles.deleteTree(home);
                return;
            }
            Files.createDirectories(dir, InstanceFiles.DIR_0700);
            Path target = dir.resolve(id);
            InstanceFiles.deleteTree(target);
            Files.move(home, target);
            Files.setLastModifiedTime(target, FileTime.fromMillis(System.currentTimeMillis()));
            List<Path> newestFirst;
            try (Stream<Path> all = Files.list(dir)) {
                newestFirst = all.sorted(Comparator.comparingLong(ExitedInstances::modified).reversed()).toList();
            }
            for (Path old : newestFirst.subList(Math.min(keep, newestFirst.size()), newestFirst.size())) {
                InstanceFiles.deleteTree(old);
            }
        } catch (NoSuchFileException e) {
            LOG.debug("Instance {} was removed while it was retired", id);
        } catch (IOException e) {
            LOG.warn("Cannot move the directory of ended instance {}: {}", id, e.getMessage());
        }
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }
}
