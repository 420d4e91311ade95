package io.atlasj.workspec.results;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A result's times and actuals ({@code rows.arrow} beside its {@code result.json}, since schema 9): what every model
 * of a unit trained on the same rows shares, written once and hard-linked into each of their folders. A model's folder
 * stays whole on its own (copied, fetched by a cluster's coordinator or deleted like any other), while the bytes are
 * on the disk once: a tiny regressor's float64 actuals were most of its prediction file, and the same in every model
 * of its unit.
 *
 * <p>Which rows were written is remembered by content (the SHA-256 of the series' row counts, times and actuals) for
 * the last {@value #KEPT} contents this process wrote. A link is made only to the very file remembered, with the bytes
 * written (the same file key, size, modification time and SHA-256, so a folder written again since with other rows is
 * not linked to); where links cannot be made (another file system, one without hard links), the file is written anew.
 * Either way the result names the file's SHA-256, which reading checks, as for every file a result names.
 */
final class RowsFile {
    static final String FILE = "rows.arrow";
    /** Contents remembered: a run's packs write one or a few at a time, a unit's models mostly the same one. */
    static final int KEPT = 64;

    private record Linkable(Path file, Object fileKey, long size, FileTime modified, String sha256) {
    }

    private static final Map<String, Linkable> BY_CONTENT = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Linkable> eldest) {
            return size() > KEPT;
        }
    };

    private static final Object[] LOCKS = new Object[64];

    static {
        java.util.Arrays.setAll(LOCKS, i -> new Object());
    }

    private RowsFile() {
    }

    /**
     * Puts the times and actuals of {@code splits} into {@code dir}'s {@link #FILE}: a hard link to the same rows this
     * process wrote before where it can, else a file written anew (temporary, renamed; not flushed, as the prediction
     * file). Returns the file's SHA-256.
     */
    static String place(Path dir, List<ResultsObject.Split> splits) throws IOException {
        String content = contentKey(splits);
        Path target = dir.resolve(FILE);
        // one writer at a time per content (a pack's results are written on two threads at once): the first writes,
        // the others link to what it wrote
        synchronized (LOCKS[content.hashCode() & (LOCKS.length - 1)]) {
            Linkable before;
            synchronized (BY_CONTENT) {
                before = BY_CONTENT.get(content);
            }
            Files.createDirectories(dir);
            if (before != null && link(before, target)) {
                return before.sha256();
            }
            String[] sha = new String[1];
            io.atlasj.home.Durable.replace(target, tmp -> {
                PredictionsFile.writeRows(tmp, splits);
                sha[0] = ResultsIo.sha256(tmp);
            });
            BasicFileAttributes a = Files.readAttributes(target, BasicFileAttributes.class);
            synchronized (BY_CONTENT) {
                BY_CONTENT.put(content, new Linkable(target, a.fileKey(), a.size(), a.lastModifiedTime(), sha[0]));
            }
            return sha[0];
        }
    }

    /**
     * Links {@code target} to the file written before, through a temporary name renamed into place; false, and nothing
     * left behind, when the file is no longer the one written (gone, or written again since: its file key, size, time
     * or SHA-256 differ) or cannot be linked. A target that already is that file (a model written again in its own
     * folder) is left as it is.
     */
    private static boolean link(Linkable before, Path target) {
        if (before.fileKey() == null) {
            return false; // no file key on this file system: no way to tell the same file from a new one
        }
        Path tmp = target.resolveSibling(FILE + "." + Long.toUnsignedString(ThreadLocalRandom.current().nextLong())
                + ".tmp");
        try {
            boolean already = Files.exists(target) && Files.isSameFile(target, before.file());
            Path linked = already ? target : Files.createLink(tmp, before.file());
            if (!same(before, linked)) {
                Files.deleteIfExists(tmp);
                return false;
            }
            if (!already) {
                io.atlasj.home.Durable.rename(tmp, target);
            }
            return true;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the write that follows replaces the target; a stray temporary file is all that can remain
            }
            return false;
        }
    }

    /**
     * Whether {@code linked} is the file written: the same file key, size and modification time (a cheap test that
     * tells most rewrites apart) and the same SHA-256 (which settles it: an inode reused by a rewrite within the file
     * system's time granularity would pass the first).
     */
    private static boolean same(Linkable before, Path linked) throws IOException {
        BasicFileAttributes a = Files.readAttributes(linked, BasicFileAttributes.class);
        return before.fileKey().equals(a.fileKey()) && a.size() == before.size()
                && a.lastModifiedTime().equals(before.modified()) && before.sha256().equals(ResultsIo.sha256(linked));
    }

    /** The SHA-256 of the series' row counts, times and actuals (the bits of each double), in order. */
    static String contentKey(List<ResultsObject.Split> splits) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            ByteBuffer b = ByteBuffer.allocate(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
            for (ResultsObject.Split s : splits) {
                b.clear();
                b.putInt(s.time().length).putInt(s.actual().length).flip();
                md.update(b);
                for (int i = 0; i < s.time().length; i += b.capacity() / 8) {
                    int k = Math.min(b.capacity() / 8, s.time().length - i);
                    b.clear();
                    b.asLongBuffer().put(s.time(), i, k);
                    b.limit(k * 8);
                    md.update(b);
                }
                for (int i = 0; i < s.actual().length; i += b.capacity() / 8) {
                    int k = Math.min(b.capacity() / 8, s.actual().length - i);
                    b.clear();
                    b.asDoubleBuffer().put(s.actual(), i, k); // a double's bits, NaNs as they are
                    b.limit(k * 8);
                    md.update(b);
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Forgets every content (for tests that write the same rows into folders of their own). */
    static void forget() {
        synchronized (BY_CONTENT) {
            BY_CONTENT.clear();
        }
    }
}
