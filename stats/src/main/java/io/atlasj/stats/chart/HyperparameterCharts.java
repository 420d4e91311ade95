package io.atlasj.stats.chart;

import io.atlasj.stats.model.HyperparameterEffects;
import io.atlasj.stats.model.TrialFamily;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.statistics.HistogramDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The hyperparameter views of one unit's search ({@link HyperparameterEffects}): parallel coordinates with the best
 * trials highlighted, a slice plot of the objective against each setting, and the trials' out-of-sample Sharpe
 * ratios beside the no-skill null. Readable at 10,000 trials: the other trials are drawn faint, underneath.
 */
public final class HyperparameterCharts {
    /** The settings drawn, at most: the ones with the largest shares. */
    public static final int MAX_SETTINGS = 8;
    /** Above this many trials the slice plots are written as PNG only. */
    public static final int SVG_TRIALS = 2_000;
    private static final Color STOPPED = new Color(170, 170, 170, 120);

    private HyperparameterCharts() {
    }

    /**
     * Parallel coordinates: one axis per setting (largest share first), the objective last; every trial a line, the
     * best {@code top} fraction by objective (trials trained to their end) coloured from yellow (best) to purple, the
     * rest faint. Numeric axes are logarithmic where {@link HyperparameterEffects.Setting#log} says so.
     */
    public static Drawing parallel(HyperparameterEffects e, double top) {
        List<HyperparameterEffects.Setting> axes = e.settings().subList(0, Math.min(MAX_SETTINGS, e.settings().size()));
        List<HyperparameterEffects.Trial> trials = e.trials();
        List<HyperparameterEffects.Trial> counted = trials.stream().filter(t -> !t.stopped())
                .sorted(Comparator.comparingDouble(HyperparameterEffects.Trial::objective)).toList();
        int best = Math.max(1, (int) Math.ceil(top * counted.size()));
        List<HyperparameterEffects.Trial> highlighted = counted.subList(0, Math.min(best, counted.size()));
        java.util.Set<HyperparameterEffects.Trial> coloured = java.util.Collections.newSetFromMap(
                new java.util.IdentityHashMap<>());
        coloured.addAll(highlighted);
        double[] objective = trials.stream().mapToDouble(HyperparameterEffects.Trial::objective).toArray();
        double oLo = java.util.Arrays.stream(objective).min().orElse(0);
        double oHi = java.util.Arrays.stream(objective).max().orElse(1);
        // each axis's scale, worked out once (not per trial: 10,000 trials cross every axis)
        List<java.util.function.ToDoubleFunction<Object>> scales = axes.stream().map(HyperparameterCharts::scale)
                .toList();
        int width = 1200;
        int height = 520;
        return new Drawing() {
            @Override
            public int width() {
                return width;
            }

            @Override
            public int height() {
                return height;
            }

            @Override
            public void draw(Graphics2D g, Rectangle2D area) {
                g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
                g.setColor(Color.WHITE);
                g.fill(area);
                g.setColor(new Color(0x222222));
                g.setFont(Charts.TITLE);
                g.drawString(String.format(Locale.ROOT, "%s: %d trials, the best %d%% (%d, trained to their end) in "
                        + "colour", e.unit(), trials.size(), Math.round(100 * top), highlighted.size()),
                        (float) area.getX() + 16, (float) area.getY() + 24);
                double left = area.getX() + 70;
                double right = area.getMaxX() - 110;
                double y0 = area.getY() + 60;
                double y1 = area.getMaxY() - 70;
                int n = axes.size() + 1;
                double step = n == 1 ? 0 : (right - left) / (n - 1);
                // a few trials are drawn plainly, thousands faintly enough that their density shows
                g.setColor(new Color(150, 150, 150, Math.max(10, Math.min(150, 2000 / Math.max(1, trials.size())))));
                if (trials.size() > 500) {
                    // thousands of lines: counted into a density image (translucent lines one by one take Java2D
                    // seconds; the image also shows where the trials crowd, on a log scale)
                    density(g, left, step, y0, y1, coloured);
                } else {
                    g.setStroke(new BasicStroke(0.8f));
                    for (HyperparameterEffects.Trial t : trials) {
                        if (!coloured.contains(t)) {
                            g.draw(line(t, left, step, y0, y1));
                        }
                    }
                }
                g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
                // the best drawn last, on top; hundreds of them thinner and slightly translucent
                boolean crowd = highlighted.size() > 100;
                g.setStroke(new BasicStroke(crowd ? 0.9f : 1.6f));
                for (int i = highlighted.size() - 1; i >= 0; i--) {
                    Color c = Viridis.at(highlighted.size() == 1 ? 1 : 1 - (double) i / (highlighted.size() - 1));
                    g.setColor(crowd ? new Color(c.getRed(), c.getGreen(), c.getBlue(), 150) : c);
                    g.draw(line(highlighted.get(i), left, step, y0, y1));
                }
                g.setStroke(new BasicStroke(1.2f));
                for (int a = 0; a < n; a++) {
                    double x = left + a * step;
                    g.setColor(new Color(0x444444));
                    g.draw(new Line2D.Double(x, y0, x, y1));
                    g.setFont(Charts.LABEL);
                    String name = a < axes.size() ? axes.get(a).name() : "validation loss";
                    String share = a < axes.size() && Double.isFinite(axes.get(a).share())
                            ? String.format(Locale.ROOT, "%.0f%% of variance", 100 * axes.get(a).share()) : "";
                    centre(g, name, x, y1 + 22);
                    g.setFont(Charts.SMALL);
                    centre(g, share, x, y1 + 36);
                    if (a < axes.size()) {
                        ticks(g, axes.get(a), x, y0, y1);
                    } else {
                        g.drawString(Charts.fmt(oLo) + " (best)", (float) x + 5, (float) y1);
                        g.drawString(Charts.fmt(oHi), (float) x + 5, (float) y0 + 4);
                    }
                }
            }

            /** The lines of the trials not coloured, as one grey image whose darkness grows with their count. */
            private void density(Graphics2D g, double left, double step, double y0, double y1,
                                 java.util.Set<HyperparameterEffects.Trial> coloured) {
                int x0 = (int) Math.floor(left);
                int top = (int) Math.floor(y0);
                int w = (int) Math.ceil(left + axes.size() * step) - x0 + 1;
                int h = (int) Math.ceil(y1) - top + 1;
                int[] count = new int[w * h];
                double[] ys = new double[axes.size() + 1];
                for (HyperparameterEffects.Trial t : trials) {
                    if (coloured.contains(t)) {
                        continue;
                    }
                    for (int a = 0; a <= axes.size(); a++) {
                        ys[a] = y1 - place(t, a) * (y1 - y0) - top;
                    }
                    for (int a = 0; a < axes.size(); a++) {
                        double xa = left + a * step - x0;
                        double dx = step;
                        double dy = ys[a + 1] - ys[a];
                        int n = (int) Math.ceil(Math.max(Math.abs(dx), Math.abs(dy)));
                        for (int i = 0; i < n; i++) {
                            int x = (int) (xa + dx * i / n);
                            int y = (int) Math.round(ys[a] + dy * i / n);
                            if (x >= 0 && x < w && y >= 0 && y < h) {
                                count[y * w + x]++;
                            }
                        }
                    }
                }
                int max = 1;
                for (int c : count) {
                    max = Math.max(max, c);
                }
                java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(w, h,
                        java.awt.image.BufferedImage.TYPE_INT_ARGB);
                double scale = Math.log1p(max);
                for (int i = 0; i < count.length; i++) {
                    if (count[i] > 0) {
                        int alpha = (int) Math.round(30 + 200 * Math.log1p(count[i]) / scale);
                        img.setRGB(i % w, i / w, (alpha << 24) | 0x6e6e6e);
                    }
                }
                g.drawImage(img, x0, top, null);
            }

            /** Where a trial crosses axis {@code a}: 0 (bottom) to 1. */
            private double place(HyperparameterEffects.Trial t, int a) {
                return a < axes.size() ? scales.get(a).applyAsDouble(t.values().get(axes.get(a).name()))
                        : oHi == oLo ? 0.5 : (t.objective() - oLo) / (oHi - oLo);
            }

            /** A trial's line through the axes. */
            private Path2D line(HyperparameterEffects.Trial t, double left, double step, double y0, double y1) {
                Path2D p = new Path2D.Double();
                for (int a = 0; a <= axes.size(); a++) {
                    double y = y1 - place(t, a) * (y1 - y0);
                    if (a == 0) {
                        p.moveTo(left, y);
                    } else {
                        p.lineTo(left + a * step, y);
                    }
                }
                return p;
            }

            private void ticks(Graphics2D g, HyperparameterEffects.Setting s, double x, double y0, double y1) {
                g.setFont(Charts.SMALL);
                g.setColor(new Color(0x333333));
                if (!s.numeric() || s.levels().size() <= 6) {
                    for (HyperparameterEffects.Level l : s.levels()) {
                        Object v = s.numeric() ? (Object) Double.parseDouble(l.label().startsWith("decile")
                                ? "NaN" : l.label()) : l.label();
                        if (s.numeric() && Double.isNaN((Double) v)) {
                            continue;
                        }
                        double y = y1 - position(s, v) * (y1 - y0);
                        g.drawString(shorten(l.label()), (float) x + 4, (float) y + 4);
                    }
                    if (!s.levels().get(0).label().startsWith("decile")) {
                        return;
                    }
                }
                double[] r = range(s);
                g.drawString(HyperparameterEffects.number(r[0]), (float) x + 4, (float) y1);
                g.drawString(HyperparameterEffects.number(r[1]), (float) x + 4, (float) y0 + 4);
            }
        };
    }

    /**
     * Whether the slice plots of {@code e} are worth an SVG: one element per point per panel makes tens of MB at
     * thousands of trials, where the PNG alone is written.
     */
    public static boolean slicesAsSvg(HyperparameterEffects e) {
        return e.trials().size() <= SVG_TRIALS;
    }

    /** Where {@code v} lies on a setting's axis, 0 (bottom) to 1. */
    static double position(HyperparameterEffects.Setting s, Object v) {
        return scale(s).applyAsDouble(v);
    }

    /** A setting's axis: a value's place on it, 0 (bottom) to 1. */
    private static java.util.function.ToDoubleFunction<Object> scale(HyperparameterEffects.Setting s) {
        if (!s.numeric()) {
            Map<String, Integer> index = new HashMap<>();
            for (HyperparameterEffects.Level l : s.levels()) {
                index.putIfAbsent(l.label(), index.size());
            }
            int n = s.levels().size();
            return v -> n == 1 ? 0.5 : index.getOrDefault(HyperparameterEffects.label(v), 0) / (double) (n - 1);
        }
        double[] r = range(s);
        if (r[1] == r[0]) {
            return v -> 0.5;
        }
        if (s.log()) {
            double lo = Math.log(r[0]);
            double span = Math.log(r[1]) - lo;
            return v -> (Math.log((Double) v) - lo) / span;
        }
        return v -> ((Double) v - r[0]) / (r[1] - r[0]);
    }

    /** A numeric setting's smallest and largest value, from its levels' labels or deciles. */
    private static double[] range(HyperparameterEffects.Setting s) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (HyperparameterEffects.Level l : s.levels()) {
            String t = l.label();
            if (t.startsWith("decile")) {
                String[] b = t.substring(t.indexOf('[') + 1, t.length() - 1).split(", ");
                lo = Math.min(lo, Double.parseDouble(b[0]));
                hi = Math.max(hi, Double.parseDouble(b[1]));
            } else {
                double v = Double.parseDouble(t);
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        return new double[]{lo, hi};
    }

    /**
     * One slice plot per setting (the {@link #MAX_SETTINGS} with the largest shares): every trial's objective against
     * its value, trials stopped early in grey; logarithmic axes where {@link HyperparameterEffects.Setting#log} says so.
     */
    public static Drawing slices(HyperparameterEffects e) {
        List<JFreeChart> panels = new ArrayList<>();
        for (HyperparameterEffects.Setting s : e.settings().subList(0, Math.min(MAX_SETTINGS, e.settings().size()))) {
            XYSeriesCollection ds = new XYSeriesCollection();
            XYSeries done = new XYSeries("trained to the end", false, true);
            XYSeries stopped = new XYSeries("stopped early", false, true);
            List<String> cats = s.numeric() ? List.of() : s.levels().stream().map(HyperparameterEffects.Level::label)
                    .toList();
            java.util.SplittableRandom jitter = new java.util.SplittableRandom(7);
            for (HyperparameterEffects.Trial t : e.trials()) {
                Object v = t.values().get(s.name());
                double x = s.numeric() ? (Double) v
                        : cats.indexOf(HyperparameterEffects.label(v)) + (jitter.nextDouble() - 0.5) * 0.3;
                (t.stopped() ? stopped : done).add(x, t.objective());
            }
            ds.addSeries(stopped); // underneath
            ds.addSeries(done);
            XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(false, true);
            r.setSeriesShape(1, new java.awt.geom.Ellipse2D.Double(-2.5, -2.5, 5, 5));
            r.setSeriesShape(0, new java.awt.geom.Ellipse2D.Double(-2, -2, 4, 4));
            r.setSeriesPaint(1, new Color(0x44, 0x01, 0x54, e.trials().size() > 2000 ? 60 : 160));
            r.setSeriesPaint(0, STOPPED);
            ValueAxis x;
            if (!s.numeric()) {
                x = new SymbolAxis(s.name(), cats.stream().map(HyperparameterCharts::shorten).toArray(String[]::new));
            } else if (s.log()) {
                LogAxis l = new LogAxis(s.name());
                l.setSmallestValue(1e-12);
                x = l;
            } else {
                NumberAxis n = Charts.number(s.name());
                n.setAutoRangeIncludesZero(false);
                x = n;
            }
            x.setLabelFont(Charts.LABEL);
            x.setTickLabelFont(Charts.TICK);
            NumberAxis y = Charts.number("validation loss");
            y.setAutoRangeIncludesZero(false);
            String share = Double.isFinite(s.share()) ? String.format(Locale.ROOT, " (%.0f%% of variance)",
                    100 * s.share()) : "";
            panels.add(Charts.chart(s.name() + share, Charts.plot(ds, x, y, r), panels.isEmpty()));
        }
        int columns = Math.min(4, Math.max(1, panels.size()));
        int rows = (panels.size() + columns - 1) / columns;
        String[] header = {e.unit() + ": validation loss against each setting",
            e.trials().size() + " trials (" + e.counted() + " trained to their end; the shares are computed on them)"};
        return new Charts.Card(header, panels, columns, 300 * columns + 100, 80 + 300 * rows);
    }

    /**
     * The unit's trials' net Sharpe ratios per bar out of sample beside those of the random-sign signals the family
     * traded on the same rows and costs (the no-skill null), with the null's 95th percentile marked.
     */
    public static Drawing sharpes(TrialFamily f) {
        double[] trials = f.models().stream().filter(m -> m.trading().isPresent())
                .mapToDouble(m -> m.trading().get().performance().sharpe()).filter(Double::isFinite).toArray();
        double[] nul = java.util.Arrays.stream(f.randomSharpes()).filter(Double::isFinite).toArray();
        HistogramDataset ds = new HistogramDataset();
        ds.setType(org.jfree.data.statistics.HistogramType.RELATIVE_FREQUENCY);
        double lo = Math.min(min(trials), min(nul));
        double hi = Math.max(max(trials), max(nul));
        if (!(hi > lo)) {
            hi = lo + 1e-9;
        }
        if (trials.length > 0) {
            ds.addSeries("trials (" + trials.length + ")", trials, 30, lo, hi);
        }
        if (nul.length > 0) {
            ds.addSeries("random signs (" + nul.length + ")", nul, 30, lo, hi);
        }
        XYBarRenderer r = new XYBarRenderer();
        r.setShadowVisible(false);
        r.setBarPainter(new org.jfree.chart.renderer.xy.StandardXYBarPainter());
        r.setSeriesPaint(0, new Color(0x44, 0x01, 0x54, 170));
        r.setSeriesPaint(1, new Color(0xfd, 0xe7, 0x25, 150));
        NumberAxis x = Charts.number("net Sharpe ratio per bar, out of sample");
        x.setAutoRangeIncludesZero(false);
        NumberAxis y = Charts.number("share of its group");
        JFreeChart c = Charts.chart(f.unit() + ": trials against the no-skill null", Charts.plot(ds, x, y, r), true);
        if (Double.isFinite(f.randomSharpe95())) {
            c.getXYPlot().addDomainMarker(Charts.marker(f.randomSharpe95(), "null 95th pct", true));
        }
        return Drawing.of(c, 640, 380);
    }

    private static double min(double[] v) {
        return java.util.Arrays.stream(v).min().orElse(Double.POSITIVE_INFINITY);
    }

    private static double max(double[] v) {
        return java.util.Arrays.stream(v).max().orElse(Double.NEGATIVE_INFINITY);
    }

    private static String shorten(String s) {
        return s.length() <= 18 ? s : s.substring(0, 17) + "…";
    }

    private static void centre(Graphics2D g, String s, double x, double y) {
        Font f = g.getFont();
        double w = g.getFontMetrics(f).stringWidth(s);
        g.drawString(s, (float) (x - w / 2), (float) y);
    }
}
