package io.atlasj.marketdata.imports;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/** Opens an input file whatever its compression: plain, gzip, or a zip holding one file (LEAN). */
final class InputFiles {
    private InputFiles() {
    }

    /**
     * Opens {@code file} for reading text, detecting gzip and zip by their magic bytes. {@code progress} receives the
     * number of bytes of the file itself (compressed) read so far.
     */
    static BufferedReader open(Path file, LongConsumer progress) throws IOException {
        InputStream raw = new CountingStream(Files.newInputStream(file), progress);
        BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
        in.mark(4);
        int b0 = in.read();
        int b1 = in.read();
        int b2 = in.read();
        int b3 = in.read();
        in.reset();
        InputStream decoded;
        if (b0 == 0x1f && b1 == 0x8b) {
            decoded = new GZIPInputStream(in, 1 << 16);
        } else if (b0 == 'P' && b1 == 'K' && b2 == 3 && b3 == 4) {
            ZipInputStream zip = new ZipInputStream(in);
            ZipEntry entry = zip.getNextEntry();
            while (entry != null && entry.isDirectory()) {
                entry = zip.getNextEntry();
            }
            if (entry == null) {
                zip.close();
                throw new ImportException(file, "the zip archive holds no file");
            }
            decoded = zip;
        } else {
            decoded = in;
        }
        return new BufferedReader(new InputStreamReader(decoded, StandardCharsets.UTF_8), 1 << 16);
    }

    /** The name of a file without compression suffixes: {@code X.csv.gz -> X.csv}. */
    static String baseName(Path file) {
        String name = file.getFileName().toString();
        for (String suffix : new String[] {".gz", ".zip"}) {
            if (name.endsWith(suffix)) {
                name = name.substring(0, name.length() - suffix.length());
            }
        }
        return name;
    }

    private static final class CountingStream extends FilterInputStream {
        private final LongConsumer progress;
        private final AtomicLong read = new AtomicLong();

        CountingStream(InputStream in, LongConsumer progress) {
            super(in);
            this.progress = progress;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                progress.accept(read.incrementAndGet());
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                progress.accept(read.addAndGet(n));
            }
            return n;
        }
    }
}
