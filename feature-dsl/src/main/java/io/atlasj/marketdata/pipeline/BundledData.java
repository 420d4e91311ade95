package io.atlasj.marketdata.pipeline;

import io.atlasj.marketdata.imports.ImportFormat;
import io.atlasj.marketdata.imports.ImportOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The product's default dataset: 100,000 Bitstamp BTC/USD trades from 2013-11-25 00:00 to 2013-12-01 16:02 UTC,
 * the file {@code bitstamp_trades_from_20131125_usd.csv} inside the Maven Central artifact
 * {@code org.ta4j:ta4j-examples:0.18} (MIT licence), imported as {@code bitstamp:btc_usd}.
 */
public final class BundledData {
    public static final String RESOURCE = "bitstamp_trades_from_20131125_usd.csv";
    public static final String EXCHANGE = "bitstamp";
    public static final String SYMBOL = "btc_usd";

    private BundledData() {
    }

    /**
     * Imports the bundled trades into {@code store} (the file extracted under {@code dir}), as
     * {@code atlas data import --bundled} does.
     */
    public static ImportJob.Summary importInto(io.atlasj.marketdata.store.MarketDataStore store, Path dir) {
        return new ImportJob(store).run(java.util.List.of(extract(dir)), options(), ImportJob.Listener.NONE);
    }

    /** Copies the bundled file to {@code dir} (once) and returns its path. */
    public static Path extract(Path dir) {
        Path target = dir.resolve(RESOURCE);
        try (InputStream in = BundledData.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the classpath: the dependency "
                        + "org.ta4j:ta4j-examples:0.18 is missing from this build");
            }
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, RESOURCE, ".tmp");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract the bundled data to " + dir, e);
        }
    }

    public static ImportOptions options() {
        return ImportOptions.of(ImportFormat.BITSTAMP_TRADES, EXCHANGE, SYMBOL);
    }
}
