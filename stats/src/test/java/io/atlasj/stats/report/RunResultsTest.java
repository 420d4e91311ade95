package io.atlasj.stats.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.atlasj.stats.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunResultsTest {
    @Test
    void readsEveryResultOfTheWorkSpec() throws Exception {
        assertThat(RunResults.read(Fixtures.runs(), "quickstart")).hasSize(25);
    }

    @Test
    void badInputNamesTheFileAndField(@TempDir Path runs) throws Exception {
        assertThatThrownBy(() -> RunResults.read(runs, "nothing"))
                .hasMessageContaining(runs.resolve("nothing") + ": no results for WorkSpec 'nothing'");
        Path bad = runs.resolve("w/u/k/result.json");
        Files.createDirectories(bad.getParent());
        Files.writeString(bad, "{\"schemaVersion\": 1, \"key\": ");
        assertThatThrownBy(() -> RunResults.read(runs, "w")).hasMessageContaining(bad + ": not a readable result file");
        Files.writeString(bad, "{\"schemaVersion\": 10}");
        assertThatThrownBy(() -> RunResults.read(runs, "w")).hasMessageContaining(bad + ": unknown result schema version 10");
        // a known version without its fields names the file too
        Files.writeString(bad, "{\"schemaVersion\": 8}");
        assertThatThrownBy(() -> RunResults.read(runs, "w")).hasMessageContaining(bad + ": not a valid result file "
                + "(schema 8)");
        Path real = Fixtures.runs().resolve("quickstart/return-1bar/9c8e349b3df6787971690d779e3dea4e/result.json");
        Files.copy(real, bad, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> RunResults.read(runs, "w"))
                .hasMessageContaining(bad + ": field workspec is 'quickstart', expected 'w'");
    }
}
