package io.atlasj.marketdata.store;

import io.atlasj.marketdata.imports.ImportOptions;
import io.atlasj.marketdata.imports.ImportFormat;
import io.atlasj.marketdata.pipeline.ImportJob;
import java.nio.file.Path;
import java.util.List;

/**
 * The importing process that {@link ImportCrashIT} kills: imports the given files one by one and prints
 * {@code COMMITTED <file>} after each file's transaction has committed; or, with {@code --remove STORE MARKET},
 * prints {@code REMOVING} and removes the market ({@code data remove}).
 */
public final class ImportCrashProbe {
    private ImportCrashProbe() {
    }

    public static void main(String[] args) {
        if (args[0].equals("--remove")) {
            try (MarketDataStore store = MarketDataStore.open(Path.of(args[1]))) {
                System.out.println("REMOVING");
                System.out.flush();
                store.remove(io.atlasj.marketdata.Market.parse(args[2]));
                System.out.println("REMOVED");
            }
            return;
        }
        Path storeDir = Path.of(args[0]);
        ImportOptions options = ImportOptions.of(ImportFormat.BITSTAMP_TRADES, "bitstamp", "btc_usd");
        try (MarketDataStore store = MarketDataStore.open(storeDir)) {
            ImportJob job = new ImportJob(store);
            for (int i = 1; i < args.length; i++) {
                ImportJob.Summary s = job.run(List.of(Path.of(args[i])), options, ImportJob.Listener.NONE);
                if (s.rejectedFiles() > 0) {
                    System.out.println("FAILED " + s.files().get(0).error());
                    System.exit(3);
                }
                System.out.println("COMMITTED " + args[i]);
                System.out.flush();
            }
        }
        System.out.println("DONE");
    }
}
