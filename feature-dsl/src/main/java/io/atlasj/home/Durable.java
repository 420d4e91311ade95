package io.atlasj.home;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Files that a crash can interrupt are written the way Kafka and RocksDB write theirs: to a temporary name in the same
 * folder, flushed to the device, renamed over the target in one step, and the folder flushed. A reader then finds
 * the old file or the new one, never a torn one.
 */
public final class Durable {
    private Durable() {
    }

    /** Writes a file's content into the path it is given. */
    @FunctionalInterface
    public interface Writer {
        void write(Path tmp) throws IOException;
    }

    /** Writes {@code target} through {@code writer} (which writes a temporary file), flushes it and renames it. */
    public static Path write(Path target, Writer writer) throws IOException {
        return write(target, writer, true);
    }

    /**
     * As {@link #write(Path, Writer)} without flushing to the device: still whole or absent after a killed process
     * (the rename is atomic and the page cache outlives the process), but after a power loss possibly empty. For
     * files whose loss costs only recomputation and whose reader checks a checksum: training checkpoints, and the
     * model and prediction files a result names with their SHA-256 (its {@code result.json}, flushed, is the commit
     * point). Device flushes cost a tiny model more than its training.
     */
    public static Path replace(Path target, Writer writer) throws IOException {
        return write(target, writer, false);
    }

    private static Path write(Path target, Writer writer, boolean flush) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, target.getFileName().toString() + ".", ".tmp");
        boolean moved = false;
        try {
            writer.write(tmp);
            if (flush) {
                force(tmp);
            }
            move(tmp, target); // a fresh temporary file is never the target's file: nothing left to remove
            moved = true;
            if (flush) {
                forceDirectory(dir);
            }
            return target;
        } finally {
            if (!moved) {
                Files.deleteIfExists(tmp); // a write that failed leaves no temporary file behind
            }
        }
    }

    /**
     * Renames {@code tmp} over {@code target} in one step where the file system can (else replacing it), leaving no
     * {@code tmp} behind: a rename onto another link of the same file does nothing (POSIX), so that name is removed.
     */
    public static void rename(Path tmp, Path target) throws IOException {
        move(tmp, target);
        Files.deleteIfExists(tmp);
    }

    /** Renames {@code tmp} over {@code target} in one step where the file system can, else replacing it. */
    private static void move(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Writes {@code bytes} to {@code target} durably. */
    public static Path write(Path target, byte[] bytes) throws IOException {
        return write(target, tmp -> Files.write(tmp, bytes));
    }

    /** Flushes a written file's content and metadata to the device. */
    public static void force(Path file) throws IOException {
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
            c.force(true);
        }
    }

    /** Threads that wait on device flushes (at most 16): they use no CPU while they wait. */
    private static final java.util.concurrent.ExecutorService FLUSHERS = java.util.concurrent.Executors.newFixedThreadPool(
            16, r -> {
                Thread t = new Thread(r, "atlas-flush");
                t.setDaemon(true);
                return t;
            });

    /**
     * Flushes written files and then folders to the device, as {@link #force} and {@link #forceDirectory} each, but
     * several at a time: the file system commits flushes that wait together in one journal commit, where one after
     * the other each waits for its own (an import of a month of minute bars flushes a dozen segment files). Returns
     * when every one is on the device; throws the first failure.
     */
    public static void forceAll(java.util.Collection<Path> files, java.util.Collection<Path> dirs) throws IOException {
        flushTogether(files, true);
        flushTogether(dirs, false);
    }

    private static void flushTogether(java.util.Collection<Path> paths, boolean files) throws IOException {
        if (paths.size() <= 1) {
            for (Path p : paths) {
                if (files) {
                    force(p);
                } else {
                    forceDirectory(p);
                }
            }
            return;
        }
        java.util.List<java.util.concurrent.Future<?>> flushes = new java.util.ArrayList<>();
        for (Path p : paths) {
            flushes.add(FLUSHERS.submit(() -> {
                if (files) {
                    force(p);
                } else {
                    forceDirectory(p);
                }
                return null;
            }));
        }
        IOException failed = null;
        for (java.util.concurrent.Future<?> f : flushes) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                if (failed == null) {
                    failed = e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while flushing " + paths.size() + " files");
            }
        }
        if (failed != null) {
            throw failed;
        }
    }

    /** Flushes a folder's entries (a rename) where the platform allows it; a no-op where it does not. */
    public static void forceDirectory(Path dir) {
        try (FileChannel c = FileChannel.open(dir, StandardOpenOption.READ)) {
            c.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not every file system flushes folders (Windows cannot open one); the rename itself is still atomic
        }
    }
}
