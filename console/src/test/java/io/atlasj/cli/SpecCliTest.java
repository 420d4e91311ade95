package io.atlasj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code atlas spec validate | expand} on the example specs and on a broken one. */
class SpecCliTest {
    @TempDir
    Path dir;

    private String[] run(int expected, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = AtlasCli.run(Map.of(), new PrintWriter(out), new PrintWriter(err), args);
        assertThat(code).as(err.toString()).isEqualTo(expected);
        return new String[] {out.toString(), err.toString()};
    }

    @Test
    void validatesAndExpandsTheExamples() {
        assertThat(run(0, "spec", "validate", "../configs/workspecs/quickstart.yaml")[0])
                .contains("valid; 3 unit(s), 25 models");
        String table = run(0, "spec", "expand", "../configs/workspecs/quickstart.yaml")[0];
        assertThat(table).contains("UNIT").contains("direction-3bar").contains("lstm#3").contains("quickstart: 25 models in 3 unit(s)");
        String csv = run(0, "spec", "expand", "../configs/workspecs/thousand.yaml", "--format", "csv")[0];
        assertThat(csv.lines().count()).isEqualTo(1_003);
    }

    @Test
    void aBrokenSpecExitsOneWithEveryProblem() throws Exception {
        Path f = dir.resolve("bad.yaml");
        Files.writeString(f, "name: bad\nunits:\n  - name: u\n    featureset: quickstart\n    dataset: {task: regression}\n"
                + "    split: {type: chronological}\n    models:\n      - {name: m, type: lstn, hiden: 3}\n");
        String err = run(1, "spec", "validate", f.toString())[1];
        assertThat(err).contains("bad.yaml:8:").contains("unknown model type 'lstn'; did you mean 'lstm'?");
        assertThat(run(1, "spec", "validate", dir.resolve("none.yaml").toString())[1]).contains("no such file");
    }

    @Test
    void equalConfigurationsExitOneNamingBothPlaces() throws Exception {
        String head = "name: dup\nunits:\n  - name: u\n    featureset: quickstart\n"
                + "    dataset: {task: classification, label: \"UpDown(3)\"}\n    split: {type: chronological}\n    models:\n";
        Path values = dir.resolve("values.yaml");
        Files.writeString(values, head + "      - name: lo\n        type: logistic\n        l2: [0.01, 0.01]\n");
        assertThat(run(1, "spec", "validate", values.toString())[1])
                .contains("values.yaml:10:20: units[0].models[0].l2[1]: repeats the value 0.01 of units[0].models[0].l2[0] ("
                        + values + ":10:14)")
                .contains("remove the duplicate value, or use repeats: N to train the same configuration with different seeds");
        Path entries = dir.resolve("entries.yaml");
        Files.writeString(entries, head + "      - {name: a, type: logistic, l2: 0.1}\n      - {name: b, type: logistic, l2: 0.1}\n");
        assertThat(run(1, "spec", "validate", entries.toString())[1])
                .containsPattern("entries.yaml:9:9: units\\[0\\].models\\[1\\]: u/b#0 has the same key [0-9a-f]{32} as u/a#0 "
                        + "\\(units\\[0\\].models\\[0\\], .*entries.yaml:8:9\\)");
    }
}
