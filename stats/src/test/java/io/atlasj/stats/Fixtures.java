package io.atlasj.stats;

import io.atlasj.stats.report.RunResults;
import io.atlasj.workspec.results.ResultsObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

/** The real quickstart results in {@code src/test/resources/fixtures} (see its README). */
public final class Fixtures {
    private Fixtures() {
    }

    public static Path runs() {
        try {
            return Path.of(Fixtures.class.getResource("/fixtures/runs").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static List<ResultsObject> quickstart() {
        try {
            return RunResults.read(runs(), "quickstart");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ResultsObject byKey(String key) {
        return quickstart().stream().filter(r -> r.key().equals(key)).findFirst().orElseThrow();
    }
}
