package io.atlasj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution's launcher ({@code deploy/src/bin/atlas}) runs a featureset build on C1 alone, an import and a local
 * run with C2 compiling ten times later, the build and the import with the parallel collector, and every other command
 * with the JVM's defaults; {@code ATLAS_JAVA_OPTS} comes after and may name its own collector; OpenBLAS gets Haswell's
 * kernels on AMD processors its ND4J build does not know. The launcher is run as it ships, with {@code JAVA_HOME} pointing at
 * a stand-in {@code java} that prints the options it was given and the kernels named (the choice is the launcher's,
 * made before any JVM).
 */
class LauncherTest {
    private static final String C1 = "-XX:TieredStopAtLevel=1";
    private static final String PARALLEL = "-XX:+UseParallelGC";
    private static final String LATER_C2 = "-XX:Tier4InvocationThreshold=50000";

    @TempDir
    Path dir;

    private List<String> javaArgs(String opts, String... args) throws IOException, InterruptedException {
        return javaArgs(opts, Map.of(), args);
    }

    private List<String> javaArgs(String opts, Map<String, String> more, String... args)
            throws IOException, InterruptedException {
        Map<String, String> env = new java.util.HashMap<>(more);
        if (opts != null) {
            env.put("ATLAS_JAVA_OPTS", opts);
        }
        return launch(Path.of("../deploy/src/bin/atlas").toAbsolutePath(), env, args);
    }

    /** A stand-in {@code java} in {@code dir/jdk/bin} that prints the options it was given, one a line. */
    private Path fakeJava() throws IOException {
        Path java = Files.createDirectories(dir.resolve("jdk/bin")).resolve("java");
        Files.writeString(java, "#!/usr/bin/env bash\nprintf '%s\\n' \"$@\"\n"
                + "printf 'env OPENBLAS_CORETYPE=%s\\n' \"${OPENBLAS_CORETYPE:-}\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return java;
    }

    /** A distribution in {@code dir/dist}: the launcher as it ships in bin/, and lib/ holding {@code files}, empty. */
    private Path distribution(String... files) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("dist/bin"));
        Path lib = Files.createDirectories(dir.resolve("dist/lib"));
        Path launcher = bin.resolve("atlas");
        Files.copy(Path.of("../deploy/src/bin/atlas"), launcher);
        Files.copy(Path.of("../deploy/src/bin/openblas-kernels.sh"), bin.resolve("openblas-kernels.sh"));
        for (String f : files) {
            Files.writeString(lib.resolve(f), "");
        }
        return launcher;
    }

    /**
     * The options {@code launcher} gives the stand-in java for {@code args}, with only {@code env} of the variables
     * that it reads set; it must exit 0.
     */
    private List<String> launch(Path launcher, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        fakeJava();
        List<String> cmd = new ArrayList<>(List.of("bash", launcher.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", dir.resolve("jdk").toString());
        for (String v : List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS", "ATLAS_JAVA_OPTS",
                "ATLAS_CDS_DUMP", "OPENBLAS_CORETYPE", "ATLAS_CPUINFO")) {
            pb.environment().remove(v);
        }
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return List.of(out.split("\n"));
    }

    @Test
    void batchCommandsGetTheirCompilerAndTheParallelCollectorAndTheRestTheDefaults() throws Exception {
        assertThat(javaArgs(null, "features", "build", "quickstart")).contains(C1, PARALLEL);
        assertThat(javaArgs(null, "--home", "/tmp/h", "data", "import", "x.csv")).contains(LATER_C2,
                "-XX:Tier4BackEdgeThreshold=400000", PARALLEL).doesNotContain(C1);
        assertThat(javaArgs(null, "--home=/tmp/h", "features", "build", "quickstart", "--engine", "spark"))
                .contains(C1, PARALLEL);
        assertThat(javaArgs(null, "run", "quickstart.yaml", "--local", "--slots", "2")).contains(LATER_C2, PARALLEL)
                .doesNotContain(C1);
        // a run on a cluster keeps G1's short pauses
        assertThat(javaArgs(null, "run", "quickstart.yaml", "--local-cluster", "2")).contains(LATER_C2)
                .doesNotContain(C1, PARALLEL);
        assertThat(javaArgs(null, "run", "quickstart.yaml", "--cluster", "127.0.0.1:2551")).contains(LATER_C2)
                .doesNotContain(C1, PARALLEL);
        assertThat(javaArgs("-XX:+UseG1GC", "run", "quickstart.yaml", "--local")).doesNotContain(PARALLEL);
        for (String[] other : List.of(new String[] {"quickstart"}, new String[] {"data", "list"},
                new String[] {"live", "start"}, new String[] {"console"}, new String[] {"--home", "features", "data",
                        "list"}, new String[] {"features", "show", "build"})) {
            assertThat(javaArgs(null, other)).as(String.join(" ", other)).doesNotContain(C1, PARALLEL, LATER_C2);
        }
        // the user's options come after (the last of a flag wins) and a collector they name replaces this one
        List<String> own = javaArgs("-XX:+UseG1GC -XX:TieredStopAtLevel=4", "features", "build", "quickstart");
        assertThat(own).doesNotContain(PARALLEL).contains(C1);
        assertThat(own.indexOf("-XX:TieredStopAtLevel=4")).isGreaterThan(own.indexOf(C1));
        assertThat(javaArgs("-Xmx2g", "data", "import", "x.csv")).contains(LATER_C2, PARALLEL, "-Xmx2g");
        // a collector named where the JVM also reads options, and options that only look like one
        assertThat(javaArgs(null, Map.of("JAVA_TOOL_OPTIONS", "-XX:+UseSerialGC"), "features", "build", "q"))
                .contains(C1).doesNotContain(PARALLEL);
        assertThat(javaArgs(null, Map.of("JDK_JAVA_OPTIONS", "-Xss2m -XX:+UseZGC"), "data", "import", "x.csv"))
                .doesNotContain(PARALLEL);
        assertThat(javaArgs("-XX:+UseNUMA -XX:ParallelGCThreads=2", "features", "build", "q")).contains(PARALLEL);
    }

    /**
     * The distribution's class-data archive is used when it was dumped by this Java and no jar is newer, and not with a
     * flight recording or an agent started with the JVM (JDK 17 crashed loading Spark's classes from it under JFR).
     */
    @Test
    void theClassArchiveIsLeftOutUnderAFlightRecordingOrAnAgent() throws Exception {
        Path launcher = distribution("atlas.jar", "atlas.jsa");
        Path lib = dir.resolve("dist/lib");
        lib.resolve("atlas.jsa").toFile().setLastModified(System.currentTimeMillis() + 60_000); // newer than the jar
        Files.writeString(lib.resolve("atlas.jsa.java"), fakeJava().toRealPath().toString());
        String archive = "-XX:SharedArchiveFile=" + launcher.getParent().resolve("../lib/atlas.jsa"); // as it names it
        for (String[] c : List.of(new String[] {null, "yes"},
                new String[] {"-Xmx2g", "yes"},
                new String[] {"-XX:StartFlightRecording=filename=x.jfr,settings=profile", "no"},
                new String[] {"-XX:StartFlightRecording", "no"},
                new String[] {"-javaagent:/tmp/agent.jar", "no"},
                new String[] {"-agentlib:jdwp=transport=dt_socket,server=y", "no"})) {
            List<String> args = launch(launcher, c[0] == null ? Map.of() : Map.of("ATLAS_JAVA_OPTS", c[0]),
                    "features", "build", "q");
            if (c[1].equals("yes")) {
                assertThat(args).as(String.valueOf(c[0])).contains(archive);
            } else {
                assertThat(args).as(c[0]).doesNotContain(archive).contains(c[0]);
            }
        }
    }

    /**
     * The classpath puts picocli's and Log4j's jars before the rest of lib/ (their classes that the archive cannot hold
     * are then found without opening the other jars), and the archive is dumped by the launcher for that same
     * classpath (an archive made for another one would not be used).
     */
    @Test
    void picocliAndLog4jComeFirstAndTheArchiveIsDumpedForTheSameClasspath() throws Exception {
        Path launcher = distribution("atlas-console-0.1.0.jar", "log4j-core-2.25.4.jar", "zz-last-1.0.jar",
                "picocli-4.7.7.jar", "log4j-api-2.25.4.jar");
        String libDir = launcher.getParent().resolve("../lib").toString();
        String expected = libDir + "/picocli-4.7.7.jar:" + libDir + "/log4j-core-2.25.4.jar:" + libDir + "/*";
        List<List<String>> runs = new ArrayList<>();
        for (Map<String, String> env : List.of(Map.<String, String>of(),
                Map.of("ATLAS_CDS_DUMP", dir.resolve("all.classlist").toString()))) {
            List<String> args = launch(launcher, env, "data", "list");
            runs.add(args);
            assertThat(args.get(args.indexOf("-cp") + 1)).isEqualTo(expected);
        }
        assertThat(runs.get(0)).contains("io.atlasj.cli.AtlasCli", "data", "list").doesNotContain("-Xshare:dump");
        // the dump, then the check that the JVM takes the archive with the same classpath
        assertThat(runs.get(1)).contains("-Xshare:dump", "-XX:SharedClassListFile=" + dir.resolve("all.classlist"),
                "-XX:SharedArchiveFile=" + libDir + "/atlas.jsa.part", "-Xshare:on", "-version")
                .doesNotContain("io.atlasj.cli.AtlasCli");
        assertThat(runs.get(1).lastIndexOf("-cp")).isGreaterThan(runs.get(1).indexOf("-Xshare:on"));
        assertThat(runs.get(1).get(runs.get(1).lastIndexOf("-cp") + 1)).isEqualTo(expected);
    }

    /**
     * OpenBLAS runs Haswell's kernels on AMD processors of family 26 (Zen 5) and more, which ND4J's OpenBLAS 0.3.19
     * does not know (it runs Barcelona's there), and its own choice elsewhere; a value the user sets wins. The processor
     * is read from a stand-in {@code /proc/cpuinfo} ({@code ATLAS_CPUINFO}).
     */
    @Test
    void openBlasGetsHaswellsKernelsOnAmdProcessorsItDoesNotKnow() throws Exception {
        // AVX-512 flags alone name nothing (the Intel case below): only the vendor and family decide
        String flags = "flags\t\t: fpu sse sse2 avx avx2 fma avx512f avx512cd avx512bw avx512dq avx512vl\n";
        for (String[] c : List.of(new String[] {"vendor_id\t: AuthenticAMD\ncpu family\t: 26\n", "Haswell"}, // Zen 5
                new String[] {"vendor_id\t: AuthenticAMD\ncpu family\t: 27\n", "Haswell"},
                new String[] {"vendor_id\t: AuthenticAMD\ncpu family\t: 25\n", ""}, // family 25: its own choice
                new String[] {"vendor_id\t: GenuineIntel\ncpu family\t: 6\n", ""},
                new String[] {"vendor_id\t: AuthenticAMD\n", ""}, // no family line
                new String[] {"CPU implementer\t: 0x41\nFeatures\t: fp asimd\n", ""})) { // an ARM processor
            Path cpuinfo = Files.writeString(dir.resolve("cpuinfo"), "processor\t: 0\n" + c[0] + flags);
            assertThat(javaArgs(null, Map.of("ATLAS_CPUINFO", cpuinfo.toString()), "run", "q.yaml", "--local"))
                    .as(c[0]).contains("env OPENBLAS_CORETYPE=" + c[1]);
            // the user's choice wins
            assertThat(javaArgs(null, Map.of("ATLAS_CPUINFO", cpuinfo.toString(), "OPENBLAS_CORETYPE", "SkylakeX"),
                    "data", "list")).contains("env OPENBLAS_CORETYPE=SkylakeX");
        }
        // no file to read (not Linux), or not a file: nothing named
        assertThat(javaArgs(null, Map.of("ATLAS_CPUINFO", dir.resolve("none").toString()), "data", "list"))
                .contains("env OPENBLAS_CORETYPE=");
        assertThat(javaArgs(null, Map.of("ATLAS_CPUINFO", dir.toString()), "data", "list"))
                .contains("env OPENBLAS_CORETYPE=");
    }
}
