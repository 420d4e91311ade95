package io.atlasj.home;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The runtime layout under {@code ATLAS_HOME} (ARCHITECTURE.md): {@code marketdata}, {@code results}, {@code ledger},
 * {@code cache/featuresets}, {@code runs}, {@code reports}, {@code journal}, {@code live}. Resolution order: an explicit path (the CLI's
 * {@code --home}), then the {@code ATLAS_HOME} environment variable, then {@code ~/.atlas}.
 */
public record AtlasHome(Path root) {
    public static final String ENV = "ATLAS_HOME";

    public AtlasHome {
        root = root.toAbsolutePath().normalize();
    }

    public static AtlasHome resolve(Optional<Path> explicit, Map<String, String> env) {
        if (explicit.isPresent()) {
            return new AtlasHome(explicit.get());
        }
        String fromEnv = env.get(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return new AtlasHome(Path.of(fromEnv));
        }
        return new AtlasHome(Path.of(System.getProperty("user.home"), ".atlas"));
    }

    public Path marketData() {
        return dir("marketdata");
    }

    public Path results() {
        return dir("results");
    }

    public Path ledger() {
        return dir("ledger");
    }

    public Path featuresetCache() {
        return dir("cache/featuresets");
    }

    /** The default market-data lake ({@code atlas data export}, {@code features build --engine spark}). */
    public Path lake() {
        return dir("lake");
    }

    public Path runs() {
        return dir("runs");
    }

    public Path reports() {
        return dir("reports");
    }

    /** The run journals the dashboard follows: one JSON-lines file per run ({@code RunJournal} in trainer-node). */
    public Path journal() {
        return dir("journal");
    }

    /** The live runner's journal (H2) and its runners' stop requests. */
    public Path live() {
        return dir("live");
    }

    private Path dir(String relative) {
        Path p = root.resolve(relative);
        try {
            Files.createDirectories(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + p + " (check ATLAS_HOME or --home)", e);
        }
        return p;
    }
}
