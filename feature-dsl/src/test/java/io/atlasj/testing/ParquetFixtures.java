package io.atlasj.testing;

import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.imports.ImportFormat;
import io.atlasj.marketdata.imports.ImportOptions;
import io.atlasj.marketdata.pipeline.ImportJob;
import io.atlasj.marketdata.store.MarketDataStore;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Makes the Parquet fixtures of {@code fixtures/parquet} from the ta4j Binance.US ETH/USD 5-minute candles (the
 * fixture {@code ta4j/Binance-ETH-USD-PT5M-20230313_20230315.json}), as other tools write them: Spark 4 with its
 * defaults (INT96 times, Snappy), Spark with microsecond timestamps, capitalised names, decimal prices, a text
 * column, ZSTD and newest rows first, and parquet-java laid out as pandas/pyarrow write a DataFrame with a time index
 * (nanosecond timestamps in {@code __index_level_0__}, float32 prices, the {@code pandas} metadata). Run once by hand
 * ({@code java -cp <test classpath> io.atlasj.testing.ParquetFixtures OUT_DIR}); the files are committed.
 */
public final class ParquetFixtures {
    private ParquetFixtures() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        Files.createDirectories(out);
        Path tmp = Files.createTempDirectory("parquet-fixtures");
        CandleSeries c;
        try (MarketDataStore store = MarketDataStore.open(tmp.resolve("store"))) {
            new ImportJob(store).run(List.of(TestData.fixture("ta4j/Binance-ETH-USD-PT5M-20230313_20230315.json")),
                    ImportOptions.of(ImportFormat.TA4J_JSON, "binanceus", "ethusd"), ImportJob.Listener.NONE);
            c = store.candles(new Market("binanceus", "ethusd"), Timeframe.M5);
        }
        SparkSession spark = SparkSession.builder().master("local[1]").appName("fixtures")
                .config("spark.ui.enabled", "false").config("spark.sql.session.timeZone", "UTC")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
        try {
            List<Row> plain = new ArrayList<>();
            List<Row> decimal = new ArrayList<>();
            for (int i = 0; i < c.size(); i++) {
                Timestamp t = new Timestamp(c.openTime(i));
                plain.add(RowFactory.create(t, c.opens()[i], c.highs()[i], c.lows()[i], c.closes()[i], c.volumes()[i]));
                decimal.add(RowFactory.create("ETH/USD", t, new BigDecimal(Double.toString(c.opens()[i])),
                        new BigDecimal(Double.toString(c.highs()[i])), new BigDecimal(Double.toString(c.lows()[i])),
                        new BigDecimal(Double.toString(c.closes()[i])), c.volumes()[i]));
            }
            StructType s1 = new StructType().add("timestamp", DataTypes.TimestampType).add("open", DataTypes.DoubleType)
                    .add("high", DataTypes.DoubleType).add("low", DataTypes.DoubleType).add("close", DataTypes.DoubleType)
                    .add("volume", DataTypes.DoubleType);
            single(spark.createDataFrame(plain, s1), tmp.resolve("a"), out.resolve("eth-5m-spark-int96.parquet"),
                    Map.of());
            var dec = DataTypes.createDecimalType(18, 8);
            StructType s2 = new StructType().add("Symbol", DataTypes.StringType).add("Date", DataTypes.TimestampType)
                    .add("Open", dec).add("High", dec).add("Low", dec).add("Close", dec).add("Volume", DataTypes.DoubleType);
            single(spark.createDataFrame(decimal, s2).orderBy(org.apache.spark.sql.functions.col("Date").desc()),
                    tmp.resolve("b"), out.resolve("eth-5m-spark-micros-decimal-newest-first.parquet"),
                    Map.of("compression", "zstd", "outputTimestampType", "TIMESTAMP_MICROS"));
        } finally {
            spark.stop();
        }
        pandasLike(c, out.resolve("eth-5m-pandas-index-float32.parquet"));
    }

    private static void single(Dataset<Row> df, Path dir, Path file, Map<String, String> options) throws IOException {
        var w = df.coalesce(1).write();
        for (var e : options.entrySet()) {
            if (e.getKey().equals("outputTimestampType")) {
                df.sparkSession().conf().set("spark.sql.parquet.outputTimestampType", e.getValue());
            } else {
                w = w.option(e.getKey(), e.getValue());
            }
        }
        w.parquet(dir.toString());
        df.sparkSession().conf().unset("spark.sql.parquet.outputTimestampType");
        try (Stream<Path> s = Files.list(dir)) {
            Path part = s.filter(p -> p.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
            Files.copy(part, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void pandasLike(CandleSeries c, Path file) throws IOException {
        MessageType schema = Types.buildMessage()
                .optional(PrimitiveTypeName.FLOAT).named("open").optional(PrimitiveTypeName.FLOAT).named("high")
                .optional(PrimitiveTypeName.FLOAT).named("low").optional(PrimitiveTypeName.FLOAT).named("close")
                .optional(PrimitiveTypeName.DOUBLE).named("volume")
                .optional(PrimitiveTypeName.INT64)
                .as(LogicalTypeAnnotation.timestampType(false, LogicalTypeAnnotation.TimeUnit.NANOS))
                .named("__index_level_0__")
                .named("schema");
        String pandas = "{\"index_columns\": [\"__index_level_0__\"], \"column_indexes\": [], \"columns\": ["
                + "{\"name\": \"open\", \"field_name\": \"open\", \"pandas_type\": \"float32\"}, "
                + "{\"name\": null, \"field_name\": \"__index_level_0__\", \"pandas_type\": \"datetime\"}], "
                + "\"creator\": {\"library\": \"pyarrow\"}, \"pandas_version\": \"2.2.3\"}";
        Configuration conf = new Configuration();
        conf.set("fs.file.impl", org.apache.hadoop.fs.RawLocalFileSystem.class.getName());
        conf.setBoolean("fs.file.impl.disable.cache", true);
        Files.deleteIfExists(file);
        SimpleGroupFactory f = new SimpleGroupFactory(schema);
        try (ParquetWriter<Group> w = ExampleParquetWriter.builder(HadoopOutputFile.fromPath(
                new org.apache.hadoop.fs.Path(file.toUri()), conf)).withType(schema).withConf(conf)
                .withExtraMetaData(Map.of("pandas", pandas)).withCompressionCodec(CompressionCodecName.SNAPPY).build()) {
            for (int i = 0; i < c.size(); i++) {
                w.write(f.newGroup().append("open", (float) c.opens()[i]).append("high", (float) c.highs()[i])
                        .append("low", (float) c.lows()[i]).append("close", (float) c.closes()[i])
                        .append("volume", c.volumes()[i]).append("__index_level_0__", c.openTime(i) * 1_000_000L));
            }
        }
    }
}
