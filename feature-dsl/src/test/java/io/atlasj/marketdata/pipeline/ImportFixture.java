package io.atlasj.marketdata.pipeline;

import io.atlasj.marketdata.imports.ImportOptions;
import io.atlasj.marketdata.store.MarketDataStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A fresh store per test and a way to import a file written from text into it. */
abstract class ImportFixture {
    @TempDir
    Path dir;
    MarketDataStore store;

    @BeforeEach
    void openStore() {
        store = MarketDataStore.open(dir.resolve("store"));
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    /** Writes {@code content} (UTF-8) to {@code name} and imports it alone. */
    ImportJob.FileOutcome importFile(String name, String content, ImportOptions options) throws IOException {
        return importFile(name, content, options, false);
    }

    /** {@code revise}: as {@code data import --revise}. */
    ImportJob.FileOutcome importFile(String name, String content, ImportOptions options, boolean revise)
            throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, content.getBytes(StandardCharsets.UTF_8));
        return new ImportJob(store, revise).run(List.of(file), options, ImportJob.Listener.NONE).files().get(0);
    }
}
