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
}
