package io.atlasj.features.set;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A label used as an input does not compile: the test runs the real Java compiler on small programs against the
 * project's classes. The control program (labels on the label side) must compile, so the test can tell.
 */
class LabelTypeSafetyTest {
    @TempDir
    Path out;

    private DiagnosticCollector<JavaFileObject> compile(String body) {
        String src = "import static io.atlasj.features.Dsl.*;\n"
                + "import io.atlasj.features.*;\nimport io.atlasj.features.set.*;\n"
                + "class Probe { void probe() { " + body + " } }\n";
        JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///Probe.java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return src;
            }
        };
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        boolean ok = javac.getTask(new StringWriter(), null, diagnostics,
                List.of("-classpath", System.getProperty("java.class.path"), "-d", out.toString()), null,
                List.of(file)).call();
        assertThat(ok).isEqualTo(diagnostics.getDiagnostics().stream()
                .noneMatch(d -> d.getKind() == javax.tools.Diagnostic.Kind.ERROR));
        return diagnostics;
    }

    private static boolean failed(DiagnosticCollector<JavaFileObject> d) {
        return d.getDiagnostics().stream().anyMatch(x -> x.getKind() == javax.tools.Diagnostic.Kind.ERROR);
    }

    @Test
    void labelsOnTheLabelSideCompile() {
        var d = compile("FeatureLabelSet.builder(\"x\").base(\"bitstamp:btc_usd\", \"1m\")"
                + ".features(LogReturns(), RSI(14)).labels(LogReturns().eth().oneMin().lookforward(1)).build();");
        assertThat(failed(d)).as(d.getDiagnostics().toString()).isFalse();
    }

    @Test
    void aLabelAsAnInputDoesNotCompile() {
        assertThat(failed(compile("FeatureLabelSet.builder(\"x\").features(LogReturns().lookforward(1));"))).isTrue();
        assertThat(failed(compile("Feature f = LogReturns().lookforward(1);"))).isTrue();
        assertThat(failed(compile("LogReturns().lookforward(1).zscore(20);"))).isTrue();
        assertThat(failed(compile("Correlation(Close(), FutureReturn(5), 20);"))).isTrue();
        assertThat(failed(compile("Close().minus(FutureReturn(1));"))).isTrue();
    }
}
