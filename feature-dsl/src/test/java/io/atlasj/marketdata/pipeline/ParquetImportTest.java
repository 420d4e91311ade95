package io.atlasj.marketdata.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.imports.ImportFormat;
import io.atlasj.marketdata.imports.ImportOptions;
import io.atlasj.testing.SameBars;
import io.atlasj.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Parquet candles as other tools write them (the fixtures of {@code fixtures/parquet}, made by
 * {@link io.atlasj.testing.ParquetFixtures} from the ta4j ETH/USD 5-minute candles) import to exactly the candles the
 * same data gives through its original JSON; bad files and bad rows are refused naming the file, row and column.
 */
class ParquetImportTest extends ImportFixture {
    static final Market JSON = new Market("binanceus", "ethusd");
    static final Market PARQUET = new Market("pq", "ethusd");

    private CandleSeries reference() {
        var s = new ImportJob(store).run(List.of(TestData.fixture("ta4j/Binance-ETH-USD-PT5M-20230313_20230315.json")),
                ImportOptions.of(ImportFormat.TA4J_JSON, JSON.exchange(), JSON.symbol()), ImportJob.Listener.NONE);
        assertThat(s.rejectedFiles()).isZero();
        return store.candles(JSON, Timeframe.M5);
    }

    private ImportJob.FileOutcome importParquet(Path file, ImportOptions options) {
        return new ImportJob(store).run(List.of(file), options, ImportJob.Listener.NONE).files().get(0);
    }

    private static ImportOptions parquet() {
        return ImportOptions.of(ImportFormat.PARQUET, PARQUET.exchange(), PARQUET.symbol());
    }

    @ParameterizedTest
    @ValueSource(strings = {"eth-5m-spark-int96", "eth-5m-spark-micros-decimal-newest-first",
        "eth-5m-pandas-index-float32"})
    void aParquetFileGivesTheCandlesOfTheSameDataAsJson(String name) {
        CandleSeries want = reference();
        var o = importParquet(TestData.fixture("parquet/" + name + ".parquet"), parquet());
        assertThat(o.rejected()).as(o.error()).isFalse();
        assertThat(o.rowsRead()).isEqualTo(want.size());
        assertThat(want.size()).isGreaterThan(500);
        SameBars.assertSameCandles(store.candles(PARQUET, Timeframe.M5), want);
        // and the coarser bars made from them
        assertThat(store.candles(PARQUET, Timeframe.H1).closes()).isEqualTo(store.candles(JSON, Timeframe.H1).closes());
    }

    @Test
    void aFileThatIsNotParquetIsRefusedNamingTheFormats() throws IOException {
        Path csv = dir.resolve("bars.parquet");
        Files.writeString(csv, "time,open,high,low,close\n1,2,3,1,2\n");
        var o = importParquet(csv, parquet());
        assertThat(o.error()).contains("bars.parquet").contains("not a Parquet file").contains("ohlcv-csv");
    }

    @Test
    void aFileCutShortIsRefusedAndNothingIsStored() throws IOException {
        byte[] whole = Files.readAllBytes(TestData.fixture("parquet/eth-5m-spark-int96.parquet"));
        Path cut = dir.resolve("cut.parquet");
        Files.write(cut, Arrays.copyOf(whole, whole.length / 2));
        var o = importParquet(cut, parquet());
        assertThat(o.error()).contains("cut.parquet").contains("cannot be read as Parquet");
        assertThat(store.candles(PARQUET, Timeframe.M5).size()).isZero();
    }

    @Test
    void missingColumnsAreNamedWithTheFilesColumnsAndTheHint() throws IOException {
        Path file = write("noclose.parquet", Types.buildMessage()
                .required(PrimitiveTypeName.INT64).as(millis()).named("ts")
                .required(PrimitiveTypeName.DOUBLE).named("o").required(PrimitiveTypeName.DOUBLE).named("h")
                .required(PrimitiveTypeName.DOUBLE).named("l").named("bars"), g -> g, 3);
        var o = importParquet(file, parquet());
        assertThat(o.error()).contains("noclose.parquet").contains("lacks column(s)").contains("[ts, o, h, l]")
                .contains("--columns");
    }

    @Test
    void columnsNamedByTheUserInSchemaOrderImport() throws IOException {
        var b = Types.buildMessage().required(PrimitiveTypeName.INT64).named("c0");
        for (int c = 1; c <= 5; c++) {
            b.required(PrimitiveTypeName.DOUBLE).named("c" + c);
        }
        Path file = write("unnamed.parquet", b.named("bars"), g -> g, 30);
        assertThat(importParquet(file, parquet()).error()).contains("lacks column(s)");
        var o = importParquet(file, parquet().withColumns("time,open,high,low,close,volume"));
        assertThat(o.rejected()).as(o.error()).isFalse();
        CandleSeries got = store.candles(PARQUET, Timeframe.M1);
        assertThat(got.size()).isEqualTo(30);
        assertThat(got.close(3)).isEqualTo(103.5);
        assertThat(got.openTime(0)).isEqualTo(java.time.Instant.parse("2023-03-01T00:00:00Z").toEpochMilli());
        // epoch milliseconds without a timestamp type: the unit is told by magnitude, as in a CSV
        assertThat(importParquet(file, parquet().withColumns("time,open,high,low,close")).error())
                .contains("--columns names 5 columns but the file has 6");
    }

    @Test
    void badRowsAreNamedByRowAndColumnAndSkippedOnlyWhenAsked() throws IOException {
        MessageType schema = Types.buildMessage()
                .required(PrimitiveTypeName.INT64).as(millis()).named("open_time")
                .optional(PrimitiveTypeName.DOUBLE).named("open").optional(PrimitiveTypeName.DOUBLE).named("high")
                .optional(PrimitiveTypeName.DOUBLE).named("low").optional(PrimitiveTypeName.DOUBLE).named("close")
                .optional(PrimitiveTypeName.DOUBLE).named("volume").named("bars");
        Path file = write("bad.parquet", schema, null, 40);
        var o = importParquet(file, parquet().withTimeframe(Timeframe.M1));
        assertThat(o.rejected()).isTrue();
        assertThat(o.error()).contains("bad.parquet:6: close: empty").contains("bad.parquet:10: high: high")
                .contains("--skip-bad-rows");
        assertThat(store.candles(PARQUET, Timeframe.M1).size()).isZero();
        var skipped = importParquet(file, parquet().withTimeframe(Timeframe.M1).withSkipBadRows(true));
        assertThat(skipped.rejected()).as(skipped.error()).isFalse();
        assertThat(skipped.badRows()).isEqualTo(2);
        assertThat(store.candles(PARQUET, Timeframe.M1).size()).isEqualTo(38);
    }

    private static LogicalTypeAnnotation millis() {
        return LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MILLIS);
    }

    /**
     * Writes {@code rows} one-minute bars from 2023-03-01 in {@code schema} (its first column the time, then prices
     * and a volume as far as it has columns); with no {@code edit}, row 6 has no close and row 10 a high below its low.
     */
    private Path write(String name, MessageType schema, java.util.function.UnaryOperator<Group> edit, int rows)
            throws IOException {
        Path file = dir.resolve(name);
        Configuration conf = new Configuration();
        conf.set("fs.file.impl", org.apache.hadoop.fs.RawLocalFileSystem.class.getName());
        conf.setBoolean("fs.file.impl.disable.cache", true);
        SimpleGroupFactory f = new SimpleGroupFactory(schema);
        long t0 = java.time.Instant.parse("2023-03-01T00:00:00Z").toEpochMilli();
        try (ParquetWriter<Group> w = ExampleParquetWriter.builder(HadoopOutputFile.fromPath(
                new org.apache.hadoop.fs.Path(file.toUri()), conf)).withType(schema).withConf(conf)
                .withExtraMetaData(Map.of()).build()) {
            int width = schema.getFieldCount();
            for (int i = 0; i < rows; i++) {
                Group g = f.newGroup().append(schema.getFieldName(0), t0 + i * 60_000L);
                double p = 100 + i;
                double[] v = {p, p + 1, p - 1, p + 0.5, 10 + i};
                for (int c = 1; c < width; c++) {
                    if (edit == null && i == 5 && c == 4) {
                        continue; // row 6: close is null
                    }
                    g.append(schema.getFieldName(c), edit == null && i == 9 && c == 2 ? p - 2 : v[c - 1]);
                }
                w.write(edit == null ? g : edit.apply(g));
            }
        }
        return file;
    }
}
