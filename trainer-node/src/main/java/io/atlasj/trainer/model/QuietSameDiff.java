package io.atlasj.trainer.model;

import java.io.PrintStream;

/**
 * ND4J 1.0.0-M2.1 prints one line to {@code System.out} per operation ("Added differentiated op ...") every time
 * SameDiff builds a gradient function, with no switch to turn it off: about 150 lines per model, mixed into the CLI's
 * output. This wraps {@code System.out} once with a stream that drops exactly those lines and passes everything
 * else through unchanged.
 */
final class QuietSameDiff extends PrintStream {
    private static final String NOISE = "Added differentiated op ";
    private static boolean installed;

    private QuietSameDiff(PrintStream out) {
        super(out, true);
    }

    static synchronized void install() {
        if (!installed && !(System.out instanceof QuietSameDiff)) {
            System.setOut(new QuietSameDiff(System.out));
            installed = true;
        }
    }

    @Override
    public void println(String x) {
        if (x != null && x.startsWith(NOISE)) {
            return;
        }
        super.println(x);
    }
}
