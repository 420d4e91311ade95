package io.atlasj.marketdata.lake;

import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.QuoteCandleSeries;
import io.atlasj.marketdata.Timeframe;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * One month of one series as a Parquet file, and back, column by column (no object per row). The columns are the
 * store's: {@code open_time} (INT64, a UTC timestamp in milliseconds, so Spark and pandas read a time), the bar's
 * doubles, {@code trade_count} for candles, and {@code source} (0 imported, 1 derived, 2 filled). Market, timeframe
 * and month are not columns: they are the Hive-style folders around the file, which Spark (and pyarrow) turn
 * into columns when they read the lake as one table.
 */
final class ParquetSeries {
    static final String[] CANDLE_DOUBLES = {"open", "high", "low", "close", "volume", "quote_volume",
        "taker_buy_volume"};
    static final String[] QUOTE_DOUBLES = {"bid_open", "bid_high", "bid_low", "bid_close", "bid_size",
        "ask_open", "ask_high", "ask_low", "ask_close", "ask_size"};

    private ParquetSeries() {
    }

    /** A series as plain columns: what a file holds. */
    record Columns(long[] time, double[][] doubles, long[] tradeCount, byte[] source) {
        int size() {
            return time.length;
        }

        Columns slice(int from, int to) {
            double[][] d = new double[doubles.length][];
            for (int c = 0; c < d.length; c++) {
                d[c] = Arrays.copyOfRange(doubles[c], from, to);
            }
            return new Columns(Arrays.copyOfRange(time, from, to), d,
                    tradeCount == null ? null : Arrays.copyOfRange(tradeCount, from, to),
                    Arrays.copyOfRange(source, from, to));
        }

        /** Several slices of one series, in order, as one. */
        static Columns concat(List<Columns> parts, boolean candles) {
            int n = parts.stream().mapToInt(Columns::size).sum();
            int width = (candles ? CANDLE_DOUBLES : QUOTE_DOUBLES).length;
            Columns out = new Columns(new long[n], new double[width][n], candles ? new long[n] : null, new byte[n]);
            int at = 0;
            for (Columns p : parts) {
                int k = p.size();
                System.arraycopy(p.time, 0, out.time, at, k);
                for (int c = 0; c < width; c++) {
                    System.arraycopy(p.doubles[c], 0, out.doubles[c], at, k);
                }
                if (candles) {
                    System.arraycopy(p.tradeCount, 0, out.tradeCount, at, k);
                }
                System.arraycopy(p.source, 0, out.source, at, k);
                at += k;
            }
            return out;
        }
    }

    static Columns of(CandleSeries s) {
        return new Columns(s.openTimes(), new double[][] {s.opens(), s.highs(), s.lows(), s.closes(), s.volumes(),
            s.quoteVolumes(), s.takerBuyVolumes()}, s.tradeCounts(), s.sources());
    }

    static Columns of(QuoteCandleSeries s) {
        double[][] d = new double[QUOTE_DOUBLES.length][];
        for (int c = 0; c < d.length; c++) {
            d[c] = s.column(c);
        }
        return new Columns(s.openTimes(), d, null, s.sources());
    }

    static CandleSeries candles(Market market, Timeframe tf, Columns c) {
        double[][] d = c.doubles;
        return CandleSeries.wrap(market, tf, c.time, d[0], d[1], d[2], d[3], d[4], d[5], c.tradeCount, d[6], c.source);
    }

    static QuoteCandleSeries quoteBars(Market market, Timeframe tf, Columns c) {
        return QuoteCandleSeries.wrap(market, tf, c.time, c.doubles, c.source);
    }

    static MessageType schema(boolean candles) {
        Types.MessageTypeBuilder b = Types.buildMessage();
        b.required(PrimitiveTypeName.INT64)
                .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MILLIS)).named("open_time");
        for (String name : candles ? CANDLE_DOUBLES : QUOTE_DOUBLES) {
            b.required(PrimitiveTypeName.DOUBLE).named(name);
        }
        if (candles) {
            b.required(PrimitiveTypeName.INT64).named("trade_count");
        }
        b.required(PrimitiveTypeName.INT32).named("source");
        return b.named(candles ? "candle" : "quote_bar");
    }

    /** Writes {@code c} to {@code file} (replacing it), with {@code meta} in the file's key-value metadata. */
    static void write(Columns c, boolean candles, Path file, Configuration conf, Map<String, String> meta)
            throws IOException {
        write(c, candles, file, conf, meta, false);
    }

    /**
     * Writes {@code c}; {@code dictionary}: with dictionary encoding, as other writers may (the lake writes plain
     * values, twice as fast to write and read in bulk, for a lake about 17% larger).
     */
    static void write(Columns c, boolean candles, Path file, Configuration conf, Map<String, String> meta,
                      boolean dictionary) throws IOException {
        try (ParquetWriter<Integer> w = new WriterBuilder(HadoopOutputFile.fromPath(file, conf), c, candles, meta)
                .withConf(conf)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .withCompressionCodec(CompressionCodecName.SNAPPY)
                .withDictionaryEncoding(dictionary)
                .build()) {
            for (int i = 0; i < c.size(); i++) {
                w.write(i);
            }
        }
    }

    /**
     * Reads a file written by {@link #write}, column by column. A column chunk in plain encoding (what {@link #write}
     * writes) is copied from its decompressed pages in bulk; other encodings (a dictionary, from another writer) go
     * through Parquet's column readers, a value at a time.
     */
    static Columns read(Path file, boolean candles, Configuration conf) throws IOException {
        MessageType expected = schema(candles);
        int width = (candles ? CANDLE_DOUBLES : QUOTE_DOUBLES).length;
        // read options on the lake's own configuration: ParquetFileReader.open(file) makes a Hadoop Configuration with
        // its defaults, which parses Hadoop's XML resources again for every file read (a lake holds a file a month)
        try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(file, conf),
                org.apache.parquet.HadoopReadOptions.builder(conf).build())) {
            MessageType schema = r.getFooter().getFileMetaData().getSchema();
            if (!schema.equals(expected)) {
                throw new IOException("not a lake file of " + expected.getName() + "s: its schema is " + schema
                        + " (export the lake again with this version of Atlas)");
            }
            long total = r.getRecordCount();
            if (total > Integer.MAX_VALUE) {
                throw new IOException(total + " rows in one month's file");
            }
            int n = (int) total;
            Columns out = new Columns(new long[n], new double[width][n], candles ? new long[n] : null, new byte[n]);
            List<ColumnDescriptor> cols = schema.getColumns();
            String createdBy = r.getFooter().getFileMetaData().getCreatedBy();
            int at = 0;
            int block = 0;
            PageReadStore pages;
            while ((pages = r.readNextRowGroup()) != null) {
                int rows = (int) pages.getRowCount();
                ColumnReadStoreImpl slow = new ColumnReadStoreImpl(pages,
                        new GroupRecordConverter(schema).getRootConverter(), schema, createdBy);
                List<ColumnChunkMetaData> chunks = r.getFooter().getBlocks().get(block++).getColumns();
                for (int k = 0; k < cols.size(); k++) {
                    ColumnDescriptor d = cols.get(k);
                    boolean plain = chunks.get(k).getEncodings().stream().noneMatch(Encoding::usesDictionary);
                    int c = k - 1;
                    if (k == 0) {
                        readLongs(pages, slow, d, plain, out.time, at, rows);
                    } else if (c < width) {
                        readDoubles(pages, slow, d, plain, out.doubles[c], at, rows);
                    } else if (candles && c == width) {
                        readLongs(pages, slow, d, plain, out.tradeCount, at, rows);
                    } else {
                        readBytes(pages, slow, d, plain, out.source, at, rows);
                    }
                }
                at += rows;
            }
            if (at != n) {
                throw new IOException("read " + at + " rows of " + n);
            }
            return out;
        }
    }

    /** The decompressed plain values of a column chunk's pages, one buffer per page, in order. */
    private static List<java.nio.ByteBuffer> plainPages(PageReadStore pages, ColumnDescriptor d, int rows)
            throws IOException {
        PageReader pr = pages.getPageReader(d);
        List<java.nio.ByteBuffer> out = new ArrayList<>();
        int seen = 0;
        for (DataPage p = pr.readPage(); p != null; p = pr.readPage()) {
            if (!(p instanceof DataPageV1 v1) || v1.getValueEncoding() != Encoding.PLAIN) {
                throw new IOException("column " + d + ": a page in " + p + " where plain values were expected");
            }
            // required, flat columns: a v1 page holds no levels, only the values
            out.add(v1.getBytes().toByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN));
            seen += v1.getValueCount();
        }
        if (seen != rows) {
            throw new IOException("column " + d + ": " + seen + " values in a row group of " + rows + " rows");
        }
        return out;
    }

    private static void readLongs(PageReadStore pages, ColumnReadStoreImpl slow, ColumnDescriptor d, boolean plain,
                                  long[] to, int at, int rows) throws IOException {
        if (plain) {
            for (java.nio.ByteBuffer b : plainPages(pages, d, rows)) {
                int k = b.remaining() / 8;
                b.asLongBuffer().get(to, at, k);
                at += k;
            }
            return;
        }
        ColumnReader cr = slow.getColumnReader(d);
        for (int i = 0; i < rows; i++) {
            to[at + i] = cr.getLong();
            cr.consume();
        }
    }

    private static void readDoubles(PageReadStore pages, ColumnReadStoreImpl slow, ColumnDescriptor d, boolean plain,
                                    double[] to, int at, int rows) throws IOException {
        if (plain) {
            for (java.nio.ByteBuffer b : plainPages(pages, d, rows)) {
                int k = b.remaining() / 8;
                b.asDoubleBuffer().get(to, at, k);
                at += k;
            }
            return;
        }
        ColumnReader cr = slow.getColumnReader(d);
        for (int i = 0; i < rows; i++) {
            to[at + i] = cr.getDouble();
            cr.consume();
        }
    }

    private static void readBytes(PageReadStore pages, ColumnReadStoreImpl slow, ColumnDescriptor d, boolean plain,
                                  byte[] to, int at, int rows) throws IOException {
        if (plain) {
            for (java.nio.ByteBuffer b : plainPages(pages, d, rows)) {
                java.nio.IntBuffer ints = b.asIntBuffer();
                while (ints.hasRemaining()) {
                    to[at++] = (byte) ints.get();
                }
            }
            return;
        }
        ColumnReader cr = slow.getColumnReader(d);
        for (int i = 0; i < rows; i++) {
            to[at + i] = (byte) cr.getInteger();
            cr.consume();
        }
    }

    private static final class WriterBuilder extends ParquetWriter.Builder<Integer, WriterBuilder> {
        private final Columns c;
        private final boolean candles;
        private final Map<String, String> meta;

        WriterBuilder(HadoopOutputFile file, Columns c, boolean candles, Map<String, String> meta) {
            super(file);
            this.c = c;
            this.candles = candles;
            this.meta = meta;
        }

        @Override
        protected WriterBuilder self() {
            return this;
        }

        @Override
        protected WriteSupport<Integer> getWriteSupport(Configuration conf) {
            return new WriteSupport<>() {
                private RecordConsumer out;

                @Override
                public WriteContext init(Configuration configuration) {
                    return new WriteContext(schema(candles), new HashMap<>(meta));
                }

                @Override
                public void prepareForWrite(RecordConsumer recordConsumer) {
                    this.out = recordConsumer;
                }

                @Override
                public void write(Integer row) {
                    int i = row;
                    int f = 0;
                    out.startMessage();
                    out.startField("open_time", f);
                    out.addLong(c.time[i]);
                    out.endField("open_time", f++);
                    String[] names = candles ? CANDLE_DOUBLES : QUOTE_DOUBLES;
                    for (int k = 0; k < names.length; k++) {
                        out.startField(names[k], f);
                        out.addDouble(c.doubles[k][i]);
                        out.endField(names[k], f++);
                    }
                    if (candles) {
                        out.startField("trade_count", f);
                        out.addLong(c.tradeCount[i]);
                        out.endField("trade_count", f++);
                    }
                    out.startField("source", f);
                    out.addInteger(c.source[i]);
                    out.endField("source", f);
                    out.endMessage();
                }
            };
        }
    }
}
