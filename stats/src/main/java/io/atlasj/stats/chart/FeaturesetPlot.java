package io.atlasj.stats.chart;

import io.atlasj.features.set.FeatureMatrix;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TimeZone;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTitleAnnotation;
import org.jfree.chart.axis.DateAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYItemRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.XYDataset;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The featureset plot (Gryphon Atlas's {@code plot_data}, which crashed): one panel per feature and per label of a
 * {@link FeatureMatrix} over a time range, stacked on one shared UTC time axis. Where rows are missing (the build
 * dropped them: warm-up, a gap in the market data, a label whose horizon crosses a gap) or a value is NaN, the line
 * is broken, not drawn across, and missing stretches are shaded grey in every panel. Labels are drawn in red;
 * columns with at most five distinct whole-number values (class labels) as steps.
 */
public final class FeaturesetPlot {
    /** Width of the image, and height of one panel, in pixels. */
    static final int WIDTH = 1400;
    static final int PANEL = 74;
    private static final Color FEATURE = Viridis.at(0.05);
    private static final Color LABEL = new Color(0xc0392b);
    private static final Color GAP = new Color(0xeeeeee);
    private static final Font ID = new Font("DejaVu Sans", Font.PLAIN, 11);
    private static final Font TICK = new Font("DejaVu Sans", Font.PLAIN, 9);
    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private FeaturesetPlot() {
    }

    /** One column of the plot: its id, whether it is a label, and its values on the rows in range. */
    record Column(String id, boolean label, double[] values) {
    }

    /**
     * The rows of {@code m} with {@code from <= time < to}, the bar spacing (the smallest spacing of the whole matrix)
     * and the missing stretches: pairs of consecutive rows further apart than one bar.
     *
     * @param gaps {@code [start, end)} of each stretch without rows, in UTC ms
     */
    record Window(long[] time, List<Column> columns, long bar, List<long[]> gaps) {
    }

    static Window window(FeatureMatrix m, long from, long to) {
        if (from >= to) {
            throw new IllegalArgumentException("featureset plot of " + m.name() + ": from (" + text(from)
                    + ") must be before to (" + text(to) + ")");
        }
        long[] all = m.time();
        int lo = lowerBound(all, from);
        int hi = lowerBound(all, to);
        if (hi - lo < 1) {
            throw new IllegalArgumentException("featureset plot of " + m.name() + ": no rows from " + text(from) + " to "
                    + text(to) + (all.length == 0 ? "; the matrix is empty" : "; its rows run from " + text(all[0])
                    + " to " + text(all[all.length - 1])));
        }
        long bar = Long.MAX_VALUE;
        for (int i = 1; i < all.length; i++) {
            bar = Math.min(bar, all[i] - all[i - 1]);
        }
        if (bar == Long.MAX_VALUE || bar <= 0) {
            bar = 60_000;
        }
        long[] time = Arrays.copyOfRange(all, lo, hi);
        List<Column> cols = new ArrayList<>();
        for (int c = 0; c < m.featureIds().size(); c++) {
            cols.add(new Column(m.featureIds().get(c), false, Arrays.copyOfRange(m.features()[c], lo, hi)));
        }
        for (int c = 0; c < m.labelIds().size(); c++) {
            cols.add(new Column(m.labelIds().get(c), true, Arrays.copyOfRange(m.labels()[c], lo, hi)));
        }
        List<long[]> gaps = new ArrayList<>();
        for (int i = 1; i < time.length; i++) {
            if (time[i] - time[i - 1] > bar) {
                gaps.add(new long[] {time[i - 1] + bar, time[i]});
            }
        }
        return new Window(time, cols, bar, gaps);
    }

    /** The whole matrix. */
    public static Drawing of(FeatureMatrix m) {
        if (m.rows() == 0) {
            throw new IllegalArgumentException("featureset plot of " + m.name() + ": the matrix has no rows");
        }
        return of(m, m.time()[0], m.time()[m.rows() - 1] + 1);
    }

    /**
     * The rows with {@code from <= time < to} (UTC ms).
     *
     * @throws IllegalArgumentException when {@code from >= to} or no row is in range, naming the matrix's range
     */
    public static Drawing of(FeatureMatrix m, long from, long to) {
        Window w = window(m, from, to);
        DateAxis x = new DateAxis("time (UTC)");
        x.setTimeZone(TimeZone.getTimeZone("UTC"));
        x.setLabelFont(Charts.LABEL);
        x.setTickLabelFont(Charts.TICK);
        x.setLowerMargin(0.005);
        x.setUpperMargin(0.005);
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(x);
        plot.setGap(9);
        long[] t = w.time();
        String common = commonSuffix(w.columns());
        for (Column c : w.columns()) {
            boolean classes = classes(c.values());
            Color colour = c.label() ? LABEL : FEATURE;
            XYDataset ds;
            XYItemRenderer r;
            if (classes) {
                // classes as bars one bar wide above the lowest class: blocks, readable where a line is a barcode;
                // a missing row or a NaN is simply no bar
                double base = lowest(c.values());
                XYIntervalSeries s = new XYIntervalSeries(c.id());
                for (int i = 0; i < t.length; i++) {
                    double v = c.values()[i];
                    if (!Double.isNaN(v)) {
                        s.add(t[i], t[i], t[i] + w.bar(), v, base, v);
                    }
                }
                XYIntervalSeriesCollection bars = new XYIntervalSeriesCollection();
                bars.addSeries(s);
                ds = bars;
                XYBarRenderer bar = new XYBarRenderer(0);
                bar.setBarPainter(new StandardXYBarPainter());
                bar.setShadowVisible(false);
                bar.setDrawBarOutline(false);
                bar.setUseYInterval(true);
                bar.setSeriesPaint(0, new Color(colour.getRed(), colour.getGreen(), colour.getBlue(), 150));
                r = bar;
            } else {
                XYSeries s = new XYSeries(c.id(), false, true);
                for (int i = 0; i < t.length; i++) {
                    if (i > 0 && t[i] - t[i - 1] > w.bar()) {
                        s.add(t[i - 1] + w.bar(), Double.NaN); // breaks the line across a stretch without rows
                    }
                    s.add(t[i], c.values()[i]);
                }
                ds = new XYSeriesCollection(s);
                XYLineAndShapeRenderer line = new XYLineAndShapeRenderer(true, false);
                line.setSeriesPaint(0, colour);
                line.setSeriesStroke(0, new BasicStroke(t.length > 2000 ? 0.7f : 1.0f));
                line.setDrawSeriesLineAsPath(true); // one path per panel (a small SVG); NaN breaks it
                r = line;
            }
            NumberAxis y = new NumberAxis(null);
            y.setTickLabelFont(TICK);
            y.setAutoRangeIncludesZero(false);
            y.setAutoRangeMinimumSize(1e-12);
            y.setStandardTickUnits(NumberAxis.createStandardTickUnits(Locale.ROOT));
            y.setMinorTickCount(0);
            y.setLowerMargin(0.06);
            y.setUpperMargin(0.32); // room for the column's name above the data
            if (classes) {
                y.setStandardTickUnits(NumberAxis.createIntegerTickUnits(Locale.ROOT));
            }
            XYPlot p = new XYPlot(ds, null, y, r);
            p.setBackgroundPaint(Color.WHITE);
            p.setDomainGridlinePaint(Charts.GRID);
            p.setRangeGridlinePaint(Charts.GRID);
            p.setOutlinePaint(new Color(0xbbbbbb));
            p.setAxisOffset(RectangleInsets.ZERO_INSETS);
            for (long[] g : w.gaps()) {
                p.addDomainMarker(new IntervalMarker(g[0], g[1], GAP), Layer.BACKGROUND);
            }
            String id = common == null ? c.id() : c.id().replace(common, "");
            TextTitle name = new TextTitle((c.label() ? "label  " : "") + id + (classes ? "  (classes)" : "")
                    + nanNote(c.values()), ID);
            name.setPaint(c.label() ? LABEL.darker() : new Color(0x222222));
            name.setBackgroundPaint(new Color(255, 255, 255, 215));
            name.setPadding(new RectangleInsets(1, 4, 1, 4));
            name.setFrame(BlockBorder.NONE);
            XYTitleAnnotation a = new XYTitleAnnotation(0.003, 0.98, name, RectangleAnchor.TOP_LEFT);
            p.addAnnotation(a);
            plot.add(p, 1);
        }
        JFreeChart chart = new JFreeChart(w.columns().isEmpty() ? "" : "Featureset " + m.name(), Charts.TITLE, plot, false);
        int labels = (int) w.columns().stream().filter(Column::label).count();
        long gapRows = 0;
        for (long[] g : w.gaps()) {
            gapRows += (g[1] - g[0]) / w.bar();
        }
        chart.addSubtitle(new TextTitle(String.format(Locale.ROOT, "%,d rows, %s to %s UTC · %d features, %d labels (red)"
                        + " · grey: %,d missing bars in %d stretches (dropped by the build or absent from the data)",
                t.length, text(t[0]), text(t[t.length - 1]), w.columns().size() - labels, labels, gapRows,
                w.gaps().size()), Charts.LABEL));
        if (common != null) {
            chart.addSubtitle(new TextTitle("names leave out " + common + ", which every column has", Charts.LABEL));
        }
        chart.setBackgroundPaint(Color.WHITE);
        chart.setPadding(new RectangleInsets(6, 8, 6, 14));
        return Drawing.of(chart, WIDTH, 110 + PANEL * Math.max(1, w.columns().size()));
    }

    private static final java.util.regex.Pattern MARKET_STEPS =
            java.util.regex.Pattern.compile("\\.market\\(\"[^\"]*\"\\)\\.timeframe\\(\"[^\"]*\"\\)");

    /**
     * The {@code .market("...").timeframe("...")} steps that every column's id holds (the base market and
     * timeframe, once resolved), left out of the panel names and stated once; null when the columns differ.
     */
    static String commonSuffix(List<Column> cols) {
        if (cols.isEmpty()) {
            return null;
        }
        java.util.regex.Matcher m = MARKET_STEPS.matcher(cols.get(0).id());
        while (m.find()) {
            String steps = m.group();
            if (cols.stream().allMatch(c -> c.id().contains(steps))) {
                return steps;
            }
        }
        return null;
    }

    private static double lowest(double[] v) {
        return Arrays.stream(v).filter(x -> !Double.isNaN(x)).min().orElse(0);
    }

    /** Whether a column holds classes: at most five distinct whole numbers. */
    static boolean classes(double[] v) {
        java.util.Set<Double> seen = new java.util.HashSet<>();
        for (double x : v) {
            if (Double.isNaN(x)) {
                continue;
            }
            if (x != Math.rint(x) || seen.add(x) && seen.size() > 5) {
                return false;
            }
        }
        return !seen.isEmpty();
    }

    private static String nanNote(double[] v) {
        long nan = Arrays.stream(v).filter(Double::isNaN).count();
        return nan == 0 ? "" : String.format(Locale.ROOT, "  (%,d NaN)", nan);
    }

    private static int lowerBound(long[] a, long key) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < key) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static String text(long t) {
        return UTC.format(Instant.ofEpochMilli(t));
    }
}
