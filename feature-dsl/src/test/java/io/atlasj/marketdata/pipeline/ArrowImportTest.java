package io.atlasj.marketdata.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.imports.ImportFormat;
import io.atlasj.marketdata.imports.ImportOptions;
import io.atlasj.marketdata.lake.Lake;
import io.atlasj.marketdata.lake.SeriesFiles;
import io.atlasj.marketdata.store.MarketDataStore;
import io.atlasj.testing.SameBars;
import io.atlasj.testing.TestData;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.TimeStampNanoTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

/**
 * Arrow IPC (Feather v2) candles, written here in the shapes pyarrow and pandas give them (LZ4 bodies, nanosecond UTC
 * timestamps, a pandas index, float32 prices, ISO text times) from the ta4j ETH/USD 5-minute candles, import to the
 * candles the same data gives through its JSON; and {@code atlas data export --format csv | arrow} of a store reads
 * back to the same bars.
 */
class ArrowImportTest extends ImportFixture {
    static final Market JSON = new Market("binanceus", "ethusd");
    static final Market ARROW = new Market("arrow", "ethusd");

    private CandleSeries reference() {
        var s = new ImportJob(store).run(List.of(TestData.fixture("ta4j/Binance-ETH-USD-PT5M-20230313_20230315.json")),
                ImportOptions.of(ImportFormat.TA4J_JSON, JSON.exchange(), JSON.symbol()), ImportJob.Listener.NONE);
        assertThat(s.rejectedFiles()).isZero();
        return store.candles(JSON, Timeframe.M5);
    }

    private ImportJob.FileOutcome importArrow(Path file, ImportOptions options) {
        return new ImportJob(store).run(List.of(file), options, ImportJob.Listener.NONE).files().get(0);
    }

    private static ImportOptions arrow() {
        return ImportOptions.of(ImportFormat.ARROW, ARROW.exchange(), ARROW.symbol());
    }

    /** How one column is filled from the reference candles, row {@code i}. */
    interface Fill {
        void set(FieldVector v, int i, CandleSeries c);
    }

    record Col(String name, ArrowType type, Fill fill) {
    }

    private static final ArrowType F8 = new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);

    /** Writes {@code c} with {@code cols} as an Arrow IPC file, compressed with {@code codec}. */
    private Path write(String name, CandleSeries c, List<Col> cols, Map<String, String> meta,
                       CompressionUtil.CodecType codec) throws IOException {
        List<Field> fields = new ArrayList<>();
        for (Col col : cols) {
            fields.add(new Field(col.name(), FieldType.nullable(col.type()), null));
        }
        Path file = dir.resolve(name);
        try (BufferAllocator alloc = new RootAllocator();
             VectorSchemaRoot root = VectorSchemaRoot.create(new Schema(fields, meta), alloc);
             FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             ArrowFileWriter w = new ArrowFileWriter(root, null, ch, null, IpcOption.DEFAULT,
                     codec == CompressionUtil.CodecType.NO_COMPRESSION
                             ? org.apache.arrow.vector.compression.NoCompressionCodec.Factory.INSTANCE
                             : CommonsCompressionFactory.INSTANCE, codec, Optional.empty())) {
            w.start();
            // two record batches, as a chunked table gives
            int half = c.size() / 2;
            for (int[] range : new int[][] {{0, half}, {half, c.size()}}) {
                root.allocateNew();
                for (int k = 0; k < cols.size(); k++) {
                    for (int i = range[0]; i < range[1]; i++) {
                        cols.get(k).fill().set(root.getVector(k), i - range[0], shifted(c, range[0]));
                    }
                }
                root.setRowCount(range[1] - range[0]);
                w.writeBatch();
            }
            w.end();
        }
        return file;
    }

    /** {@code c} from row {@code from} on, so that a fill's row index is the batch's. */
    private static CandleSeries shifted(CandleSeries c, int from) {
        return from == 0 ? c : c.between(c.openTime(from), Long.MAX_VALUE);
    }

    private static Col price(String name, int which) {
        return new Col(name, F8, (v, i, c) -> ((Float8Vector) v).setSafe(i, switch (which) {
            case 0 -> c.open(i);
            case 1 -> c.high(i);
            case 2 -> c.low(i);
            case 3 -> c.close(i);
            default -> c.volume(i);
        }));
    }

    private static List<Col> ohlcv() {
        return List.of(price("open", 0), price("high", 1), price("low", 2), price("close", 3), price("volume", 4));
    }

    @Test
    void pyarrowsFeatherWithLz4AndNanosecondUtcTimesGivesTheCandlesOfTheJson() throws IOException {
        CandleSeries want = reference();
        List<Col> cols = new ArrayList<>();
        cols.add(new Col("date", new ArrowType.Timestamp(TimeUnit.NANOSECOND, "UTC"),
                (v, i, c) -> ((TimeStampNanoTZVector) v).setSafe(i, c.openTime(i) * 1_000_000L)));
        cols.addAll(ohlcv());
        Path file = write("eth-5m.feather", want, cols, null, CompressionUtil.CodecType.LZ4_FRAME);
        var o = importArrow(file, arrow());
        assertThat(o.rejected()).as(o.error()).isFalse();
        assertThat(o.rowsRead()).isEqualTo(want.size()).isGreaterThan(500);
        SameBars.assertSameCandles(store.candles(ARROW, Timeframe.M5), want);
        assertThat(store.candles(ARROW, Timeframe.H1).closes()).isEqualTo(store.candles(JSON, Timeframe.H1).closes());
    }

    @Test
    void aCandleFileWithBidAndAskCloseColumnsBesideItsPricesStaysACandleFile() throws IOException {
        CandleSeries want = reference();
        List<Col> cols = new ArrayList<>();
        cols.add(new Col("date", new ArrowType.Timestamp(TimeUnit.MILLISECOND, "UTC"),
                (v, i, c) -> ((org.apache.arrow.vector.TimeStampMilliTZVector) v).setSafe(i, c.openTime(i))));
        cols.addAll(ohlcv());
        cols.add(price("bid_close", 3));
        cols.add(price("ask_close", 3));
        Path file = write("with-bid-ask.feather", want, cols, null, CompressionUtil.CodecType.NO_COMPRESSION);
        var o = importArrow(file, arrow());
        assertThat(o.rejected()).as(o.error()).isFalse();
        SameBars.assertSameCandles(store.candles(ARROW, Timeframe.M5), want);
        assertThat(store.quoteCandles(ARROW, Timeframe.M5, Long.MIN_VALUE, Long.MAX_VALUE).size()).isZero();
    }

    @Test
    void aPandasIndexMicrosecondTimesWithoutAZoneAndFloat32PricesImport() throws IOException {
        CandleSeries want = reference();
        List<Col> cols = new ArrayList<>();
        cols.add(new Col("Open", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE),
                (v, i, c) -> ((Float4Vector) v).setSafe(i, (float) c.open(i))));
        cols.add(new Col("High", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE),
                (v, i, c) -> ((Float4Vector) v).setSafe(i, (float) c.high(i))));
        cols.add(new Col("Low", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE),
                (v, i, c) -> ((Float4Vector) v).setSafe(i, (float) c.low(i))));
        cols.add(new Col("Close", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE),
                (v, i, c) -> ((Float4Vector) v).setSafe(i, (float) c.close(i))));
        cols.add(new Col("Volume", new ArrowType.Int(64, true),
                (v, i, c) -> ((BigIntVector) v).setSafe(i, Math.round(c.volume(i)))));
        cols.add(new Col("__index_level_0__", new ArrowType.Timestamp(TimeUnit.MICROSECOND, null),
                (v, i, c) -> ((TimeStampMicroVector) v).setSafe(i, c.openTime(i) * 1_000L)));
        Path file = write("pandas.feather", want, cols, Map.of("pandas", "{\"index_columns\": [\"__index_level_0__\"]}"),
                CompressionUtil.CodecType.ZSTD);
        var o = importArrow(file, arrow());
        assertThat(o.rejected()).as(o.error()).isFalse();
        CandleSeries got = store.candles(ARROW, Timeframe.M5);
        assertThat(got.openTimes()).isEqualTo(want.openTimes());
        for (int i = 0; i < got.size(); i++) {
            // a float32 price is read as the shortest decimal that float prints, as pandas shows it
            assertThat(got.close(i)).isEqualTo(Double.parseDouble(Float.toString((float) want.close(i))));
            assertThat(got.volume(i)).isEqualTo((double) Math.round(want.volume(i)));
        }
    }

    @Test
    void isoTextTimesUncompressedImportAndBadRowsAreNamedByRow() throws IOException {
        CandleSeries want = reference();
        List<Col> cols = new ArrayList<>();
        cols.add(new Col("timestamp", ArrowType.Utf8.INSTANCE, (v, i, c) -> ((VarCharVector) v).setSafe(i,
                java.time.Instant.ofEpochMilli(c.openTime(i)).toString().getBytes(StandardCharsets.UTF_8))));
        cols.addAll(ohlcv());
        Path file = write("iso.arrow", want, cols, null, CompressionUtil.CodecType.NO_COMPRESSION);
        var o = importArrow(file, arrow());
        assertThat(o.rejected()).as(o.error()).isFalse();
        SameBars.assertSameCandles(store.candles(ARROW, Timeframe.M5), want);
        // a null close in row 7 (of the second batch's rows too): named, and the file refused
        List<Col> holes = new ArrayList<>(cols);
        holes.set(4, new Col("close", F8, (v, i, c) -> {
            if (i == 6) {
                ((Float8Vector) v).setNull(i);
            } else {
                ((Float8Vector) v).setSafe(i, c.close(i));
            }
        }));
        var bad = importArrow(write("holes.arrow", want, holes, null, CompressionUtil.CodecType.NO_COMPRESSION),
                ImportOptions.of(ImportFormat.ARROW, "arrow", "holes"));
        assertThat(bad.rejected()).isTrue();
        assertThat(bad.error()).contains("holes.arrow:7").contains("close");
        assertThat(store.candles(new Market("arrow", "holes"), Timeframe.M5).size()).isZero();
    }

    @Test
    void aNanIsAMissingValueAsPandasAndPolarsWriteIt() throws IOException {
        CandleSeries want = reference();
        List<Col> cols = new ArrayList<>();
        cols.add(new Col("date", new ArrowType.Timestamp(TimeUnit.NANOSECOND, "UTC"),
                (v, i, c) -> ((TimeStampNanoTZVector) v).setSafe(i, c.openTime(i) * 1_000_000L)));
        cols.addAll(ohlcv());
        // an optional column a tool filled with NaN where it knew nothing: unknown, not a bad row
        cols.add(new Col("taker_buy_volume", F8, (v, i, c) -> ((Float8Vector) v).setSafe(i, i % 2 == 0 ? Double.NaN
                : c.volume(i) / 2)));
        var o = importArrow(write("nan.feather", want, cols, null, CompressionUtil.CodecType.LZ4_FRAME), arrow());
        assertThat(o.rejected()).as(o.error()).isFalse();
        CandleSeries got = store.candles(ARROW, Timeframe.M5);
        assertThat(got.size()).isEqualTo(want.size());
        assertThat(got.takerBuyVolume(0)).isNaN();
        assertThat(got.takerBuyVolume(1)).isEqualTo(want.volume(1) / 2);
        // a NaN close is a missing price: the row is bad, named by its row
        List<Col> noClose = new ArrayList<>(cols.subList(0, 5));
        noClose.set(4, new Col("close", F8, (v, i, c) -> ((Float8Vector) v).setSafe(i, i == 9 ? Double.NaN
                : c.close(i))));
        var bad = importArrow(write("nanclose.feather", want, noClose, null, CompressionUtil.CodecType.LZ4_FRAME),
                ImportOptions.of(ImportFormat.ARROW, "arrow", "nanclose"));
        assertThat(bad.rejected()).isTrue();
        assertThat(bad.error()).contains("nanclose.feather:10").contains("close");
    }

    @Test
    void otherFilesAreRefusedWithWhatTheyAre() throws IOException {
        Path v1 = dir.resolve("old.feather");
        Files.write(v1, "FEA1\0\0\0\0 rest".getBytes(StandardCharsets.US_ASCII));
        assertThat(importArrow(v1, arrow()).error()).contains("old.feather").contains("Feather v1")
                .contains("version=2");
        Path stream = dir.resolve("bars.arrows");
        try (BufferAllocator alloc = new RootAllocator();
             VectorSchemaRoot root = VectorSchemaRoot.create(new Schema(List.of(new Field("x",
                     FieldType.nullable(F8), null))), alloc);
             var out = Files.newOutputStream(stream);
             ArrowStreamWriter w = new ArrowStreamWriter(root, null, out)) {
            w.start();
            w.end();
        }
        assertThat(importArrow(stream, arrow()).error()).contains("bars.arrows").contains("Arrow IPC stream");
        Path csv = dir.resolve("bars.feather");
        Files.writeString(csv, "time,open,high,low,close\n");
        assertThat(importArrow(csv, arrow()).error()).contains("not an Arrow IPC file").contains("ohlcv-csv");
        byte[] whole = Files.readAllBytes(write("whole.arrow", reference(), List.of(new Col("time",
                new ArrowType.Timestamp(TimeUnit.NANOSECOND, "UTC"), (v, i, c) -> ((TimeStampNanoTZVector) v)
                .setSafe(i, c.openTime(i) * 1_000_000L)), price("open", 0), price("high", 1), price("low", 2),
                price("close", 3)), null, CompressionUtil.CodecType.LZ4_FRAME));
        Path cut = dir.resolve("cut.arrow");
        Files.write(cut, Arrays.copyOf(whole, whole.length / 2));
        assertThat(importArrow(cut, arrow()).error()).contains("cut.arrow").contains("cannot be read as an Arrow IPC");
        assertThat(store.candles(ARROW, Timeframe.M5).size()).isZero();
    }

    @Test
    void csvAndArrowExportsOfAStoreImportBackToTheSameBars() throws IOException {
        // the bundled Bitstamp trades: real bars with trade counts and no taker side (a column no bar knows)
        new ImportJob(store).run(List.of(BundledData.extract(dir.resolve("bundled"))), BundledData.options(),
                ImportJob.Listener.NONE);
        Market btc = new Market("bitstamp", "btc_usd");
        Path out = dir.resolve("exports");
        List<SeriesFiles.Written> csv = SeriesFiles.export(store, k -> k.market().equals(btc), SeriesFiles.Format.CSV,
                out);
        List<SeriesFiles.Written> arrow = SeriesFiles.export(store, k -> k.market().equals(btc),
                SeriesFiles.Format.ARROW, out);
        assertThat(csv).hasSize(Timeframe.values().length);
        // filled bars are not data: a store imported with --fill-gaps exports its real bars only
        try (MarketDataStore filled = MarketDataStore.open(dir.resolve("filled"))) {
            new ImportJob(filled).run(List.of(BundledData.extract(dir.resolve("bundled2"))),
                    BundledData.options().withFillGaps(true), ImportJob.Listener.NONE);
            CandleSeries stored = filled.candles(btc, Timeframe.M1);
            long real = java.util.stream.IntStream.range(0, stored.size())
                    .filter(i -> stored.sources()[i] != io.atlasj.marketdata.CandleSource.FILLED.code()).count();
            assertThat(real).isLessThan(stored.size());
            var w = SeriesFiles.export(filled, k -> k.market().equals(btc) && k.timeframe() == Timeframe.M1,
                    SeriesFiles.Format.CSV, dir.resolve("filled-out"));
            assertThat(w.get(0).rows()).isEqualTo(real);
            assertThat(Files.readString(w.get(0).file())).doesNotContain("filled");
        }
        assertThat(arrow).hasSize(Timeframe.values().length);
        Path minutes = SeriesFiles.fileOf(out, new Lake.SeriesKey(Lake.Kind.CANDLES, btc, Timeframe.M1),
                SeriesFiles.Format.CSV);
        assertThat(Files.readAllLines(minutes).get(0)).isEqualTo("open_time,open,high,low,close,volume,quote_volume,"
                + "trade_count,source");
        CandleSeries want = store.candles(btc, Timeframe.M1);
        try (MarketDataStore back = MarketDataStore.open(dir.resolve("back"))) {
            for (SeriesFiles.Format f : SeriesFiles.Format.values()) {
                Market m = new Market("back-" + f.extension(), "btc_usd");
                Path file = SeriesFiles.fileOf(out, new Lake.SeriesKey(Lake.Kind.CANDLES, btc, Timeframe.M1), f);
                var s = new ImportJob(back).run(List.of(file), ImportOptions.of(f == SeriesFiles.Format.CSV
                        ? ImportFormat.OHLCV_CSV : ImportFormat.ARROW, m.exchange(), m.symbol()), ImportJob.Listener.NONE);
                assertThat(s.rejectedFiles()).as(s.files().get(0).error()).isZero();
                // the same bars, all imported now (they were derived from trades)
                CandleSeries got = back.candles(m, Timeframe.M1);
                SameBars.assertSameCandles(got, CandleSeries.wrap(m, Timeframe.M1, want.openTimes(), want.opens(),
                        want.highs(), want.lows(), want.closes(), want.volumes(), want.quoteVolumes(), want.tradeCounts(),
                        want.takerBuyVolumes(), got.sources()));
                assertThat(got.sources()).containsOnly(io.atlasj.marketdata.CandleSource.IMPORTED.code());
                assertThat(back.candles(m, Timeframe.W1).closes()).isEqualTo(store.candles(btc, Timeframe.W1).closes());
            }
        }
        // the Arrow file carries its market, timeframe and the store's fingerprint, and a UTC timestamp column
        Path hours = SeriesFiles.fileOf(out, new Lake.SeriesKey(Lake.Kind.CANDLES, btc, Timeframe.H1),
                SeriesFiles.Format.ARROW);
        try (BufferAllocator alloc = new RootAllocator();
             FileChannel ch = FileChannel.open(hours, StandardOpenOption.READ);
             ArrowFileReader r = new ArrowFileReader(ch, alloc, CommonsCompressionFactory.INSTANCE)) {
            Schema schema = r.getVectorSchemaRoot().getSchema();
            assertThat(schema.getCustomMetadata()).containsEntry("atlas.market", "bitstamp:btc_usd")
                    .containsEntry("atlas.timeframe", "1h")
                    .containsEntry("atlas.fingerprint", store.fingerprint(btc, Timeframe.H1, false));
            assertThat(schema.getFields().get(0).getType()).isEqualTo(new ArrowType.Timestamp(TimeUnit.MILLISECOND,
                    "UTC"));
            assertThat(schema.getFields().stream().map(Field::getName)).doesNotContain("taker_buy_volume");
        }
    }
}
