package io.infrakit.instance.file;

import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.TimeUnit;

/**
 * What a file looked like when the index read it: which file (device and inode), its size and its last
 * modification. A file whose stamp is unchanged is not read again; a rename over it (a new inode) or a
 * rewrite in place (a new size or time) changes the stamp.
 *
 * @param fileKey the file's identity ({@link BasicFileAttributes#fileKey()}), may be {@code null}
 * @param size the size in bytes
 * @param modified the last modification, in nanoseconds since the epoch
 */
record FileStamp(Object fileKey, long size, long modified) {

    static FileStamp of(BasicFileAttributes attributes) {
        return new FileStamp(attributes.fileKey(), attributes.size(), attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS));
    }
}
