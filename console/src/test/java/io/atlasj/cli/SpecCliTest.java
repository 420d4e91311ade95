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

    /**
     * A sweep of 40,000 models (400 l2 values x 100 epoch counts) is streamed: every model once, in expansion order,
     * as CSV and as a table whose columns the first rows size. The same expansion as the list every run uses.
     */
    @Test
    void aLargeSweepIsStreamed() throws Exception {
        StringBuilder l2 = new StringBuilder();
        for (int i = 0; i < 400; i++) {
            l2.append(i == 0 ? "" : ", ").append(0.0001 * (i + 1));
        }
        StringBuilder epochs = new StringBuilder();
        for (int i = 1; i <= 100; i++) {
            epochs.append(i == 1 ? "" : ", ").append(i);
        }
        Path f = dir.resolve("large.yaml");
        Files.writeString(f, "name: large\nexecution: {maxModels: 200000}\nunits:\n  - name: u\n    featureset: quickstart\n"
                + "    dataset: {task: classification, label: \"UpDown(3)\"}\n    split: {type: chronological}\n    models:\n"
                + "      - name: lo\n        type: logistic\n        l2: [" + l2 + "]\n        training: {epochs: [" + epochs
                + "]}\n");
        String csv = run(0, "spec", "expand", f.toString(), "--format", "csv")[0];
        java.util.List<String> lines = csv.lines().toList();
        assertThat(lines).hasSize(40_001);
        assertThat(lines.get(0)).isEqualTo("unit,model,type,key,hyperparameters,training,seed");
        assertThat(lines.get(1)).startsWith("\"u\",\"lo#0\",\"logistic\",").contains("l2=1.0E-4").contains("epochs=1\"");
        assertThat(lines.get(40_000)).startsWith("\"u\",\"lo#39999\",").contains("l2=0.04").contains("epochs=100\"");
        java.util.List<io.atlasj.workspec.ModelSpec> list = io.atlasj.workspec.Expander.expand(
                io.atlasj.workspec.WorkSpecYaml.read(f, true), true);
        assertThat(lines.get(27_777)).contains("\"" + list.get(27_776).key() + "\"");
        String table = run(0, "spec", "expand", f.toString())[0];
        java.util.List<String> rows = table.lines().toList();
        assertThat(rows).hasSize(40_002);
        assertThat(rows.get(rows.size() - 1)).isEqualTo("large: 40,000 models in 1 unit(s)");
        // rows after the first thousand keep the columns the first ones sized (a wider name widens only its row)
        assertThat(rows.get(900).indexOf(list.get(899).key())).isEqualTo(rows.get(1).indexOf(list.get(0).key()));
        assertThat(rows.get(20_000)).startsWith("u     lo#19999").contains(list.get(19_999).key());
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
