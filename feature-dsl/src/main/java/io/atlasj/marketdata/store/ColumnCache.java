package io.atlasj.marketdata.store;

import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.Timeframe;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A columnar copy of each candle series beside the H2 store ({@code marketdata/columns/<exchange>/<symbol>/<tf>.candles}),
 * so that reading a whole series costs one sequential file read instead of one JDBC row per candle (measured: H2
 * returns about 0.3M rows/s; this file gives tens of millions of candles/s).
 *
 * <p>The H2 tables stay the truth. Each file records the series version it was built from; an import bumps the
 * version inside its transaction, so a file from before the import (or one half-written by a crash, which the
 * temp-file-and-rename write prevents anyway) is never used: it is rebuilt from H2 on the next read.
 *
 * <p>File layout (little-endian): magic {@code ATLASCOL}, format version (int), store id (long: a random number
 * drawn when the store was created, so files left over from a deleted store are never read), series version (long), row count
 * (int), then the columns open time (long), open, high, low, close, volume, quote volume (double), trade count
 * (long), taker-buy volume (double), source (byte).
 */
final class ColumnCache {
    static final int FORMAT_VERSION = 1;
    private static final byte[] MAGIC = "ATLASCOL".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER = 8 + 4 + 8 + 8 + 4;
    private static final Logger LOG = LoggerFactory.getLogger(ColumnCache.class);
    private final Path root;
    private final long storeId;

    /** {@code storeId} is the store's random identity: a file written for another store is never read. */
    ColumnCache(Path root, long storeId) {
        this.root = root;
        this.storeId = storeId;
    }

    private Path file(Market market, Timeframe tf) {
        return root.resolve(market.exchange()).resolve(market.symbol()).resolve(tf.label() + ".candles");
    }

    /** The cached series if its file exists and was built from {@code version}. */
    Optional<CandleSeries> read(Market market, Timeframe tf, long version) {
        Path f = file(market, tf);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < HEADER) {
                return Optional.empty();
            }
            ByteBuffer head = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, head);
            head.flip();
            byte[] magic = new byte[8];
            head.get(magic);
            int format = head.getInt();
            long store = head.getLong();
            long builtFrom = head.getLong();
            int n = head.getInt();
            if (!java.util.Arrays.equals(magic, MAGIC) || format != FORMAT_VERSION || store != storeId
                    || builtFrom != version || size != HEADER + (long) n * (8 * 9 + 1)) {
                return Optional.empty();
            }
            ByteBuffer body = ch.map(FileChannel.MapMode.READ_ONLY, HEADER, size - HEADER).order(ByteOrder.LITTLE_ENDIAN);
            long[] t = new long[n];
            double[][] d = new double[6][n];
            long[] count = new long[n];
            double[] taker = new double[n];
            byte[] src = new byte[n];
            body.asLongBuffer().get(t);
            body.position(body.position() + n * 8);
            for (int c = 0; c < 6; c++) {
                body.asDoubleBuffer().get(d[c]);
                body.position(body.position() + n * 8);
            }
            body.asLongBuffer().get(count);
            body.position(body.position() + n * 8);
            body.asDoubleBuffer().get(taker);
            body.position(body.position() + n * 8);
            body.get(src);
            return Optional.of(CandleSeries.wrap(market, tf, t, d[0], d[1], d[2], d[3], d[4], d[5], count, taker, src));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            LOG.warn("ignoring unreadable column cache {}: {}", f, e.toString());
            return Optional.empty();
        }
    }

    /** Writes {@code series} as built from {@code version}: temp file, then an atomic rename. */
    void write(CandleSeries series, long version) {
        Path f = file(series.market(), series.timeframe());
        int n = series.size();
        try {
            Files.createDirectories(f.getParent());
            Path tmp = Files.createTempFile(f.getParent(), f.getFileName().toString(), ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.allocateDirect(HEADER + n * (8 * 9 + 1)).order(ByteOrder.LITTLE_ENDIAN);
                buf.put(MAGIC).putInt(FORMAT_VERSION).putLong(storeId).putLong(version).putInt(n);
                buf.asLongBuffer().put(series.openTimes());
                buf.position(buf.position() + n * 8);
                for (double[] col : new double[][] {series.opens(), series.highs(), series.lows(), series.closes(),
                    series.volumes(), series.quoteVolumes()}) {
                    buf.asDoubleBuffer().put(col);
                    buf.position(buf.position() + n * 8);
                }
                buf.asLongBuffer().put(series.tradeCounts());
                buf.position(buf.position() + n * 8);
                buf.asDoubleBuffer().put(series.takerBuyVolumes());
                buf.position(buf.position() + n * 8);
                buf.put(series.sources());
                buf.flip();
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
            }
            Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // The cache is an accelerator: failing to write it costs speed, not data.
            LOG.warn("cannot write column cache {}: {}", f, e.toString());
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            if (ch.read(buf) < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }

}
