package io.atlasj.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher ({@code bin/atlas}) runs OpenBLAS on its AVX-512 (SkylakeX) kernels on every processor that has AVX-512
 * (ND4J's OpenBLAS 0.3.19 takes AMD Zen 4 and 5 for Haswell). Those kernels must run on such a processor and train
 * the models that use OpenBLAS (an LSTM, a wide dense layer) to what OpenBLAS's own choice trains them to, up to float
 * rounding: {@link OpenBlasKernelsProbe} runs once under each, in a JVM of its own (OpenBLAS reads its kernel type
 * once, when it loads), with OpenBLAS saying which kernels it took. Skipped on a processor without AVX-512.
 */
class OpenBlasKernelsIT {

    @TempDir
    Path dir;

    private List<String> probe(String coreType) throws Exception {
        Path log = dir.resolve(coreType + ".out");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), OpenBlasKernelsProbe.class.getName())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("OPENBLAS_CORETYPE", coreType);
        pb.environment().put("OPENBLAS_VERBOSE", "2"); // OpenBLAS prints "Core: NAME" as it loads
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("the probe under " + coreType + " did not end in 5 minutes: "
                    + Files.readString(log));
        }
        String out = Files.readString(log);
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).as("the kernels OpenBLAS took").contains("Core: " + coreType);
        List<String> lines = new ArrayList<>();
        for (String l : out.split("\n")) {
            if (l.startsWith("lstm ") || l.startsWith("dense ")) {
                lines.add(l);
            }
        }
        return lines;
    }

    @Test
    void avx512KernelsTrainWhatTheAvx2KernelsTrain() throws Exception {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        String flags = (Files.isReadable(cpuinfo) ? Files.readAllLines(cpuinfo).stream()
                .filter(l -> l.startsWith("flags")).findFirst().orElse("") : "") + " ";
        assumeThat(List.of("avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"))
                .as("a processor with AVX-512").allMatch(f -> flags.contains(" " + f + " "));
        List<String> avx2 = probe("Haswell");
        List<String> avx512 = probe("SkylakeX");
        assertThat(avx512).hasSameSizeAs(avx2).hasSize(2 * (3 + 1)); // two models: 3 epochs and the test rows each
        assertThat(avx2.get(3).split(" ")).hasSize(2 + 600); // the LSTM's 600 test rows
        for (int i = 0; i < avx2.size(); i++) {
            String[] a = avx2.get(i).split(" ");
            String[] b = avx512.get(i).split(" ");
            assertThat(b[0] + " " + b[1]).isEqualTo(a[0] + " " + a[1]);
            assertThat(b).hasSameSizeAs(a);
            for (int k = 2; k < a.length; k++) {
                double x = Double.parseDouble(a[k]);
                assertThat(x).as("%s %s, value %d", a[0], a[1], k - 2).isFinite();
                // the same training up to float rounding (on a Zen 5 within 1e-8 after three epochs of Adam)
                assertThat(Double.parseDouble(b[k])).as("%s %s, value %d: SkylakeX against Haswell", a[0], a[1], k - 2)
                        .isCloseTo(x, within(1e-5 * Math.max(1, Math.abs(x))));
            }
        }
    }
}
