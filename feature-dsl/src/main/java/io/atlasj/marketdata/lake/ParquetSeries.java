package io.atlasj.marketdata.lake;

import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.CandleSource;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.QuoteCandleSeries;
import io.atlasj.marketdata.Timeframe;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.InitContext;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.io.api.RecordMaterializer;
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
    private static final String[] CANDLE_DOUBLES = {"open", "high", "low", "close", "volume", "quote_volume",
        "taker_buy_volume"};
    private static final String[] QUOTE_DOUBLES = {"bid_open", "bid_high", "bid_low", "bid_close", "bid_size",
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
        QuoteCandleSeries.Builder b = QuoteCandleSeries.builder(market, tf);
        double[][] d = c.doubles;
        for (int i = 0; i < c.size(); i++) {
            b.add(c.time[i], d[0][i], d[1][i], d[2][i], d[3][i], d[4][i], d[5][i], d[6][i], d[7][i], d[8][i], d[9][i],
                    CandleSource.of(c.source[i]));
        }
        return b.build();
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
        try (ParquetWriter<Integer> w = new WriterBuilder(HadoopOutputFile.fromPath(file, conf), c, candles, meta)
                .withConf(conf)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .withCompressionCodec(CompressionCodecName.SNAPPY)
                .build()) {
            for (int i = 0; i < c.size(); i++) {
                w.write(i);
            }
        }
    }

    /** Reads a file written by {@link #write}. */
    static Columns read(Path file, boolean candles, Configuration conf, int expectedRows) throws IOException {
        Sink sink = new Sink(candles, Math.max(16, expectedRows));
        try (ParquetReader<Sink> r = new ReaderBuilder(HadoopInputFile.fromPath(file, conf), sink).withConf(conf)
                .build()) {
            while (r.read() != null) {
                // the sink's converters append each row to its columns
            }
        }
        return sink.columns();
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

    private static final class ReaderBuilder extends ParquetReader.Builder<Sink> {
        private final Sink sink;

        ReaderBuilder(HadoopInputFile file, Sink sink) {
            super(file);
            this.sink = sink;
        }

        @Override
        protected ReadSupport<Sink> getReadSupport() {
            return new ReadSupport<>() {
                @Override
                public ReadContext init(InitContext context) {
                    MessageType expected = schema(sink.candles);
                    if (!context.getFileSchema().equals(expected)) {
                        throw new IllegalStateException("not a lake file of " + expected.getName() + "s: its schema is "
                                + context.getFileSchema() + " (export the lake again with this version of Atlas)");
                    }
                    return new ReadContext(expected);
                }

                @Override
                public RecordMaterializer<Sink> prepareForRead(Configuration conf, Map<String, String> keyValueMetaData,
                                                               MessageType fileSchema, ReadContext readContext) {
                    return new RecordMaterializer<>() {
                        @Override
                        public Sink getCurrentRecord() {
                            return sink;
                        }

                        @Override
                        public GroupConverter getRootConverter() {
                            return sink;
                        }
                    };
                }
            };
        }
    }

    /** The converters of one file's rows: each value goes straight into its column array. */
    private static final class Sink extends GroupConverter {
        final boolean candles;
        private final int width;
        private int n;
        private long[] time;
        private double[][] doubles;
        private long[] tradeCount;
        private byte[] source;
        private final Converter[] fields;

        Sink(boolean candles, int capacity) {
            this.candles = candles;
            this.width = (candles ? CANDLE_DOUBLES : QUOTE_DOUBLES).length;
            time = new long[capacity];
            doubles = new double[width][capacity];
            tradeCount = candles ? new long[capacity] : null;
            source = new byte[capacity];
            fields = new Converter[width + (candles ? 3 : 2)];
            int f = 0;
            fields[f++] = new PrimitiveConverter() {
                @Override
                public void addLong(long value) {
                    time[n] = value;
                }
            };
            for (int k = 0; k < width; k++) {
                int column = k;
                fields[f++] = new PrimitiveConverter() {
                    @Override
                    public void addDouble(double value) {
                        doubles[column][n] = value;
                    }
                };
            }
            if (candles) {
                fields[f++] = new PrimitiveConverter() {
                    @Override
                    public void addLong(long value) {
                        tradeCount[n] = value;
                    }
                };
            }
            fields[f] = new PrimitiveConverter() {
                @Override
                public void addInt(int value) {
                    source[n] = (byte) value;
                }
            };
        }

        @Override
        public Converter getConverter(int fieldIndex) {
            return fields[fieldIndex];
        }

        @Override
        public void start() {
            if (n == time.length) {
                int cap = n * 2;
                time = Arrays.copyOf(time, cap);
                for (int c = 0; c < width; c++) {
                    doubles[c] = Arrays.copyOf(doubles[c], cap);
                }
                if (candles) {
                    tradeCount = Arrays.copyOf(tradeCount, cap);
                }
                source = Arrays.copyOf(source, cap);
            }
        }

        @Override
        public void end() {
            n++;
        }

        Columns columns() {
            Columns all = new Columns(time, doubles, tradeCount, source);
            return n == time.length ? all : all.slice(0, n);
        }
    }
}
