package io.atlasj.stats.chart;

import java.awt.Color;
import java.awt.Paint;
import org.jfree.chart.renderer.PaintScale;

/**
 * The viridis colour map (van der Walt and Smith, matplotlib; public domain): perceptually uniform and readable in
 * grey and by colour-blind readers. Interpolated linearly between nine published stops. NaN is light grey.
 */
public final class Viridis implements PaintScale {
    private static final int[] STOPS = {0x440154, 0x472d7b, 0x3b528b, 0x2c728e, 0x21918c, 0x28ae80, 0x5ec962,
        0xaddc30, 0xfde725};
    public static final Color MISSING = new Color(0xe6e6e6);
    private final double lower;
    private final double upper;

    public Viridis(double lower, double upper) {
        if (!(upper > lower)) {
            throw new IllegalArgumentException("upper must be above lower, got " + lower + ", " + upper);
        }
        this.lower = lower;
        this.upper = upper;
    }

    /** Colour of {@code v} in [0, 1] (clamped); {@link #MISSING} for NaN. */
    public static Color at(double v) {
        if (Double.isNaN(v)) {
            return MISSING;
        }
        double x = Math.max(0, Math.min(1, v)) * (STOPS.length - 1);
        int i = Math.min(STOPS.length - 2, (int) Math.floor(x));
        double f = x - i;
        Color a = new Color(STOPS[i]);
        Color b = new Color(STOPS[i + 1]);
        return new Color((int) Math.round(a.getRed() + f * (b.getRed() - a.getRed())),
                (int) Math.round(a.getGreen() + f * (b.getGreen() - a.getGreen())),
                (int) Math.round(a.getBlue() + f * (b.getBlue() - a.getBlue())));
    }

    @Override
    public double getLowerBound() {
        return lower;
    }

    @Override
    public double getUpperBound() {
        return upper;
    }

    @Override
    public Paint getPaint(double value) {
        return at((value - lower) / (upper - lower));
    }
}
