package io.atlasj.stats.chart;

import io.atlasj.stats.metrics.Classification;
import io.atlasj.stats.metrics.Regression;
import io.atlasj.stats.model.ModelEvaluation;
import io.atlasj.stats.trading.Book;
import io.atlasj.stats.trading.Performance;
import io.atlasj.workspec.results.ResultsObject;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TimeZone;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.DateAxis;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.renderer.xy.XYItemRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.statistics.HistogramDataset;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The charts of the report. Each returns a {@link Drawing} (write it with {@link ChartFiles}); nothing here reads
 * files or keeps state.
 */
public final class Charts {
    static final Font TITLE = new Font("DejaVu Sans", Font.BOLD, 15);
    static final Font LABEL = new Font("DejaVu Sans", Font.PLAIN, 12);
    static final Font TICK = new Font("DejaVu Sans", Font.PLAIN, 11);
    static final Font SMALL = new Font("DejaVu Sans", Font.PLAIN, 9);
    static final Color GRID = new Color(0xdddddd);
    /** Series colours: viridis samples, dark enough on white. */
    static final Color[] SERIES = {Viridis.at(0.0), Viridis.at(0.45), Viridis.at(0.75), new Color(0xc0392b),
        new Color(0x7f7f7f)};

    private Charts() {
    }

    // ------------------------------------------------------------------ batch overview

    /** Rows of the overview in their drawn order, with the unit group each belongs to. */
    public record OverviewRow(ModelEvaluation model, double[] normalised) {
    }

    /**
     * The columns of the overview for these models: the headline metrics of every task present, then the money
     * figures; a column no model has a value in (the annualised Sharpe ratio of a sample under 30 days) is left out.
     */
    public static List<String> overviewColumns(List<ModelEvaluation> models) {
        List<String> cols = new ArrayList<>();
        if (models.stream().anyMatch(ModelEvaluation::classification)) {
            cols.addAll(ModelEvaluation.CLASSIFICATION_METRICS);
        }
        if (models.stream().anyMatch(m -> !m.classification())) {
            cols.addAll(ModelEvaluation.REGRESSION_METRICS);
        }
        for (String c : ModelEvaluation.TRADING_METRICS) {
            if (models.stream().anyMatch(m -> Double.isFinite(m.metric(c)))) {
                cols.add(c);
            }
        }
        return cols;
    }

    /**
     * Orders the models for the overview: grouped by unit (units in order of first appearance), best annualised
     * net Sharpe ratio per bar first within a unit (models without trading last), and normalises each column to [0, 1] within each
     * unit, 1 the best (columns where lower is better are flipped). A unit's metrics are not comparable with
     * another's (different labels, different return units), hence normalising per unit.
     */
    public static List<OverviewRow> overviewRows(List<ModelEvaluation> models, List<String> columns) {
        Map<String, List<ModelEvaluation>> byUnit = new LinkedHashMap<>();
        for (ModelEvaluation m : models) {
            byUnit.computeIfAbsent(m.unit(), u -> new ArrayList<>()).add(m);
        }
        List<OverviewRow> rows = new ArrayList<>();
        for (List<ModelEvaluation> unit : byUnit.values()) {
            List<ModelEvaluation> sorted = new ArrayList<>(unit);
            sorted.sort((a, b) -> Double.compare(nanLow(b.rank()), nanLow(a.rank())));
            double[][] z = new double[sorted.size()][columns.size()];
            for (int c = 0; c < columns.size(); c++) {
                String col = columns.get(c);
                double lo = Double.POSITIVE_INFINITY;
                double hi = Double.NEGATIVE_INFINITY;
                for (ModelEvaluation m : sorted) {
                    double v = m.metric(col);
                    if (Double.isFinite(v)) {
                        lo = Math.min(lo, v);
                        hi = Math.max(hi, v);
                    }
                }
                boolean flip = ModelEvaluation.LOWER_IS_BETTER.contains(col);
                for (int r = 0; r < sorted.size(); r++) {
                    double v = sorted.get(r).metric(col);
                    double s = !Double.isFinite(v) ? Double.NaN : hi == lo ? 0.5 : (v - lo) / (hi - lo);
                    z[r][c] = flip ? 1 - s : s;
                }
            }
            for (int r = 0; r < sorted.size(); r++) {
                rows.add(new OverviewRow(sorted.get(r), z[r]));
            }
        }
        return rows;
    }

    private static double nanLow(double v) {
        return Double.isNaN(v) ? Double.NEGATIVE_INFINITY : v;
    }

    /**
     * Models x metrics heatmap, viridis, normalised per column within each unit (yellow best), sorted and grouped
     * by unit. Up to 80 rows are labelled with the model's name and every cell prints its value; beyond that, rows
     * are thin and each unit's band is labelled instead (the leaderboard gives the names and values).
     */
    public static Drawing overview(String title, List<ModelEvaluation> models) {
        List<String> cols = overviewColumns(models);
        List<OverviewRow> rows = overviewRows(models, cols);
        int n = rows.size();
        boolean named = n <= 80;
        int rowPx = named ? 16 : Math.max(2, Math.min(8, 2400 / Math.max(1, n)));
        DefaultXYZDataset ds = new DefaultXYZDataset();
        int cells = n * cols.size();
        double[][] data = new double[3][cells];
        int i = 0;
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < cols.size(); c++) {
                data[0][i] = c;
                data[1][i] = r;
                data[2][i] = rows.get(r).normalised()[c];
                i++;
            }
        }
        ds.addSeries("normalised", data);
        XYBlockRenderer renderer = new XYBlockRenderer();
        renderer.setPaintScale(new Viridis(0, 1));
        SymbolAxis x = new SymbolAxis(null, cols.stream().map(Charts::columnLabel).toArray(String[]::new));
        x.setTickLabelFont(LABEL);
        x.setVerticalTickLabels(false);
        x.setGridBandsVisible(false);
        ValueAxis y;
        if (named) {
            String[] names = rows.stream().map(r -> r.model().unit() + " · " + r.model().name()).toArray(String[]::new);
            SymbolAxis s = new SymbolAxis(null, names);
            s.setGridBandsVisible(false);
            s.setTickLabelFont(TICK);
            y = s;
        } else {
            NumberAxis a = new NumberAxis("models, best Sharpe first within each unit");
            a.setTickLabelsVisible(false);
            a.setTickMarksVisible(false);
            y = a;
        }
        y.setInverted(true);
        y.setRange(-0.5, n - 0.5);
        x.setRange(-0.5, cols.size() - 0.5);
        XYPlot plot = new XYPlot(ds, x, y, renderer);
        if (named) {
            for (int r = 0; r < n; r++) {
                for (int c = 0; c < cols.size(); c++) {
                    double v = rows.get(r).model().metric(cols.get(c));
                    if (!Double.isFinite(v)) {
                        continue;
                    }
                    org.jfree.chart.annotations.XYTextAnnotation a = new org.jfree.chart.annotations.XYTextAnnotation(
                            cell(v), c, r);
                    a.setFont(new Font("DejaVu Sans", Font.PLAIN, 10));
                    // dark text on the light (yellow-green) end of viridis, white on the dark end
                    a.setPaint(rows.get(r).normalised()[c] > 0.6 ? Color.BLACK : Color.WHITE);
                    plot.addAnnotation(a);
                }
            }
        }
        plot.setDomainAxisLocation(AxisLocation.TOP_OR_LEFT);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        plot.setOutlineVisible(false);
        // unit bands: a white rule between units, and the unit's name when rows are not named
        String prev = null;
        int start = 0;
        for (int r = 0; r <= n; r++) {
            String u = r < n ? rows.get(r).model().unit() : null;
            if (r == n || !u.equals(prev)) {
                if (prev != null) {
                    if (r < n) {
                        ValueMarker m = new ValueMarker(r - 0.5, Color.WHITE, new BasicStroke(named ? 3f : 4f));
                        plot.addRangeMarker(m, org.jfree.chart.ui.Layer.FOREGROUND);
                    }
                    if (!named) {
                        org.jfree.chart.annotations.XYTextAnnotation a = new org.jfree.chart.annotations.XYTextAnnotation(
                                prev + " (" + (r - start) + ")", -0.45, (start + r - 1) / 2.0);
                        a.setTextAnchor(org.jfree.chart.ui.TextAnchor.CENTER_LEFT);
                        a.setFont(new Font("DejaVu Sans", Font.BOLD, 13));
                        a.setPaint(Color.WHITE);
                        a.setBackgroundPaint(new Color(0, 0, 0, 150));
                        plot.addAnnotation(a);
                    }
                }
                prev = u;
                start = r;
            }
        }
        JFreeChart chart = new JFreeChart(title, TITLE, plot, false);
        NumberAxis scaleAxis = new NumberAxis("within each unit and column: worst → best");
        scaleAxis.setRange(0, 1);
        scaleAxis.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(0.1));
        scaleAxis.setTickLabelFont(TICK);
        scaleAxis.setLabelFont(LABEL);
        PaintScaleLegend legend = new PaintScaleLegend(new Viridis(0, 1), scaleAxis);
        legend.setPosition(RectangleEdge.BOTTOM);
        legend.setMargin(new RectangleInsets(8, 120, 4, 120));
        legend.setStripWidth(12);
        chart.addSubtitle(legend);
        chart.addSubtitle(new TextTitle(n + " models × " + cols.size() + " metrics on the out-of-sample rows; grey: "
                + "not applicable", LABEL));
        chart.setBackgroundPaint(Color.WHITE);
        int width = Math.max(named ? 1300 : 1100, 360 + 66 * cols.size());
        return Drawing.of(chart, width, 190 + n * rowPx);
    }

    /** Column heads short enough for about 65 pixels; the report's text and the leaderboard give the full names. */
    private static final Map<String, String> SHORT = Map.ofEntries(Map.entry("accuracy", "accuracy"),
            Map.entry("f1 macro", "F1 macro"), Map.entry("auc macro", "AUC"), Map.entry("log loss", "log loss"),
            Map.entry("brier", "Brier"), Map.entry("rmse", "RMSE"), Map.entry("mae", "MAE"), Map.entry("r2", "R²"),
            Map.entry("direction", "dir. acc"), Map.entry("ic", "IC"), Map.entry("sharpe/bar", "SR/bar"),
            Map.entry("gross sharpe/bar", "gross SR"), Map.entry("sharpe/yr", "SR/yr"), Map.entry("psr", "PSR"),
            Map.entry("expectancy bps", "exp. bps"), Map.entry("t-stat", "t"), Map.entry("return %", "return %"),
            Map.entry("max drawdown %", "max DD %"), Map.entry("turnover/bar", "turnover"),
            Map.entry("exposure", "exposure"));

    private static String columnLabel(String c) {
        String shortName = SHORT.getOrDefault(c, c);
        return ModelEvaluation.LOWER_IS_BETTER.contains(c) ? shortName + " ↓" : shortName;
    }

    /** A cell's value in at most about five characters. */
    static String cell(double v) {
        double a = Math.abs(v);
        if (a != 0 && (a < 0.001 || a >= 100_000)) {
            return String.format(Locale.ROOT, "%.1e", v);
        }
        return String.format(Locale.ROOT, a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f", v);
    }

    // ------------------------------------------------------------------ cards

    /** Panel grid under a text header. */
    record Card(String[] header, List<JFreeChart> panels, int columns, int width, int height) implements Drawing {
        @Override
        public void draw(Graphics2D g, Rectangle2D area) {
            int headerH = 24 + 19 * (header.length - 1) + 14;
            g.setColor(new Color(0x222222));
            g.setFont(new Font("DejaVu Sans", Font.BOLD, 18));
            g.drawString(header[0], (int) area.getX() + 16, (int) area.getY() + 26);
            g.setFont(new Font("DejaVu Sans", Font.PLAIN, 13));
            for (int l = 1; l < header.length; l++) {
                g.drawString(header[l], (int) area.getX() + 16, (int) area.getY() + 26 + 19 * l);
            }
            int rowsOfPanels = (panels.size() + columns - 1) / columns;
            double pw = area.getWidth() / columns;
            double ph = (area.getHeight() - headerH) / rowsOfPanels;
            for (int p = 0; p < panels.size(); p++) {
                panels.get(p).draw(g, new Rectangle2D.Double(area.getX() + (p % columns) * pw,
                        area.getY() + headerH + (p / columns) * ph, pw, ph));
            }
        }
    }

    /** The classifier's baseball card. */
    public static Drawing classifierCard(ModelEvaluation m) {
        ResultsObject.Split s = m.oos();
        List<JFreeChart> panels = new ArrayList<>();
        int w = window(s.time().length);
        double[] roll = Classification.rollingAccuracy(s.actual(), s.predicted(), w);
        XYSeriesCollection acc = new XYSeriesCollection();
        acc.addSeries(series("rolling accuracy (" + w + " bars)", Arrays.copyOfRange(s.time(), w - 1, s.time().length), roll));
        JFreeChart a = timeChart("Accuracy over time", "accuracy", acc);
        a.getXYPlot().addRangeMarker(marker(m.metric("accuracy"), "overall " + fmt(m.metric("accuracy"))));
        ValueMarker chance = marker(1.0 / m.classes(), "chance 1/" + m.classes());
        chance.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.TOP_LEFT);
        chance.setLabelTextAnchor(org.jfree.chart.ui.TextAnchor.BOTTOM_LEFT);
        a.getXYPlot().addRangeMarker(chance);
        panels.add(a);
        panels.add(likelihoodRatios(m));
        panels.add(periodHistogram(m));
        panels.add(coverage(m));
        panels.add(roc(m));
        panels.add(pnl(m));
        panels.add(trainingCurves(m.result()));
        long[][] cm = Classification.confusion(s.actual(), s.predicted(), m.classes());
        List<String> rowsOfCm = new ArrayList<>();
        for (long[] row : cm) {
            rowsOfCm.add(Arrays.toString(row));
        }
        return new Card(header(m, "accuracy " + fmt(m.metric("accuracy")) + "  ·  F1 macro " + fmt(m.metric("f1 macro"))
                + "  ·  AUC macro " + fmt(m.metric("auc macro")) + "  ·  log loss " + fmt(m.metric("log loss"))
                + "  ·  Brier " + fmt(m.metric("brier")) + "  ·  confusion (rows actual, columns predicted) "
                + String.join(" ", rowsOfCm)), panels, 4, 1800, 930);
    }

    /** The regressor's baseball card. */
    public static Drawing regressorCard(ModelEvaluation m) {
        ResultsObject.Split s = m.oos();
        List<JFreeChart> panels = new ArrayList<>();
        XYSeriesCollection sc = new XYSeriesCollection();
        XYSeries pts = new XYSeries("rows", false, true);
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < s.actual().length; i++) {
            pts.add(s.actual()[i], s.predicted()[i]);
            lo = Math.min(lo, Math.min(s.actual()[i], s.predicted()[i]));
            hi = Math.max(hi, Math.max(s.actual()[i], s.predicted()[i]));
        }
        sc.addSeries(pts);
        XYSeries diag = new XYSeries("predicted = actual");
        diag.add(lo, lo);
        diag.add(hi, hi);
        sc.addSeries(diag);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer();
        r.setSeriesLinesVisible(0, false);
        r.setSeriesShapesVisible(0, true);
        r.setSeriesShape(0, new java.awt.geom.Ellipse2D.Double(-2, -2, 4, 4));
        r.setSeriesPaint(0, new Color(0x44, 0x01, 0x54, 140));
        r.setSeriesLinesVisible(1, true);
        r.setSeriesShapesVisible(1, false);
        r.setSeriesPaint(1, SERIES[3]);
        panels.add(chart("Predicted vs actual", plot(sc, number("actual"), number("predicted"), r), true));
        int w = Math.max(3, window(s.time().length));
        double[] ic = Regression.rollingInformationCoefficient(s.actual(), s.predicted(), w);
        XYSeriesCollection icc = new XYSeriesCollection();
        icc.addSeries(series("rolling Spearman IC (" + w + " bars)", Arrays.copyOfRange(s.time(), w - 1, s.time().length), ic));
        JFreeChart icChart = timeChart("Information coefficient over time", "IC", icc);
        icChart.getXYPlot().addRangeMarker(marker(0, null));
        icChart.getXYPlot().addRangeMarker(marker(m.metric("ic"), "overall " + fmt(m.metric("ic"))));
        panels.add(icChart);
        double[] res = new double[s.actual().length];
        for (int i = 0; i < res.length; i++) {
            res[i] = s.actual()[i] - s.predicted()[i];
        }
        XYSeriesCollection rc = new XYSeriesCollection();
        rc.addSeries(series("actual − predicted", s.time(), res));
        JFreeChart resChart = timeChart("Residuals over time", "residual", rc);
        resChart.getXYPlot().addRangeMarker(marker(0, null));
        panels.add(resChart);
        panels.add(pnl(m));
        panels.add(trainingCurves(m.result()));
        panels.add(histogram("Residuals", "actual − predicted", "rows", res, 30));
        return new Card(header(m, "RMSE " + fmt4(m.metric("rmse")) + "  ·  MAE " + fmt4(m.metric("mae")) + "  ·  R² "
                + fmt(m.metric("r2")) + "  ·  direction " + fmt(m.metric("direction")) + "  ·  IC " + fmt(m.metric("ic"))),
                panels, 3, 1500, 930);
    }

    /** The card for the model's task. */
    public static Drawing card(ModelEvaluation m) {
        return m.classification() ? classifierCard(m) : regressorCard(m);
    }

    private static String[] header(ModelEvaluation m, String metrics) {
        ResultsObject.Split s = m.oos();
        String[] money = m.trading().map(Charts::money).orElse(new String[] {"not traded", ""});
        return new String[] {m.unit() + " · " + m.name() + "  (" + m.type() + ")  ·  key " + m.result().key(),
            "label " + m.label() + (m.classification() ? ", " + m.classes() + " classes" : ", regression")
                + "  ·  hyperparameters: " + (m.hyperparameters().isEmpty() ? "none" : m.hyperparameters()),
            s.time().length + " out-of-sample rows " + date(s.time()[0]) + " → " + date(s.time()[s.time().length - 1])
                + "  ·  " + metrics,
            money[0], money[1], "(" + m.returnBasis() + ")"};
    }

    /** The money lines of a card: net figures with their units. */
    static String[] money(ModelEvaluation.Trading t) {
        Performance p = t.performance();
        String separate = t.hold() > 1 ? String.format(Locale.ROOT, "  ·  non-overlapping %d-bar holds: Sharpe %s to %s "
                + "per bar by starting bar", t.hold(), fmt(Arrays.stream(t.nonOverlappingSharpe()).min().orElse(Double.NaN)),
                fmt(Arrays.stream(t.nonOverlappingSharpe()).max().orElse(Double.NaN))) : "";
        return new String[] {String.format(Locale.ROOT, "money, net of costs: Sharpe %s per bar (gross %s; 95%% CI %s "
                        + "to %s)  ·  %s  ·  PSR %s  ·  return %+.2f%%  ·  max drawdown %.2f%% lasting %s", fmt(p.sharpe()),
                fmt(p.grossSharpe()), fmt(p.sharpe() - 1.96 * p.sharpeSe()), fmt(p.sharpe() + 1.96 * p.sharpeSe()),
                p.annualised() ? String.format(Locale.ROOT, "%.2f a year (%.2f to %.2f)", p.sharpeAnnual(),
                        p.sharpeAnnualLow(), p.sharpeAnnualHigh())
                        : "not annualised (" + p.spanText() + " < " + Performance.MIN_ANNUALISED.toDays() + " days)",
                fmt(p.psr()), 100 * p.totalReturn(), 100 * p.maxDrawdown(), Performance.duration(p.drawdownMillis())),
            String.format(Locale.ROOT, "%d trades, expectancy %.1f bps net (t %s)  ·  turnover %s per bar  ·  exposure "
                        + "%s%s", p.trades(), p.expectancyNetBps(), fmt(p.tStat()), fmt(p.turnover()), fmt(p.exposure()),
                separate)};
    }

    /** Compounded equity of a book's per-bar returns, in % gained. */
    static double[] equityPercent(double[] returns) {
        double[] e = new double[returns.length];
        double v = 1;
        for (int i = 0; i < returns.length; i++) {
            v *= 1 + returns[i];
            e[i] = 100 * (v - 1);
        }
        return e;
    }

    private static JFreeChart likelihoodRatios(ModelEvaluation m) {
        double[] th = new double[99];
        for (int i = 0; i < th.length; i++) {
            th[i] = (i + 1) / 100.0;
        }
        XYSeriesCollection ds = new XYSeriesCollection();
        int minRows = Math.max(5, m.oos().time().length / 50);
        for (int c = 0; c < m.classes(); c++) {
            Classification.LikelihoodRatios lr = Classification.likelihoodRatios(m.oos().actual(), m.oos().probabilities(), c, th);
            XYSeries plus = new XYSeries("LR+ class " + c);
            XYSeries minus = new XYSeries("LR− class " + c);
            for (int t = 0; t < th.length; t++) {
                if (lr.called()[t] >= minRows && m.oos().time().length - lr.called()[t] >= minRows) {
                    if (lr.lrPlus()[t] > 0 && Double.isFinite(lr.lrPlus()[t])) {
                        plus.add(th[t], lr.lrPlus()[t]);
                    }
                    if (lr.lrMinus()[t] > 0 && Double.isFinite(lr.lrMinus()[t])) {
                        minus.add(th[t], lr.lrMinus()[t]);
                    }
                }
            }
            ds.addSeries(plus);
            ds.addSeries(minus);
        }
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        r.setDrawSeriesLineAsPath(true);
        for (int c = 0; c < m.classes(); c++) {
            r.setSeriesPaint(2 * c, SERIES[c % SERIES.length]);
            r.setSeriesPaint(2 * c + 1, SERIES[c % SERIES.length]);
            r.setSeriesStroke(2 * c, new BasicStroke(2f));
            r.setSeriesStroke(2 * c + 1, new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                    new float[] {6f, 4f}, 0f));
        }
        LogAxis y = new LogAxis("likelihood ratio (log scale)");
        y.setBase(2);
        y.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(0.5));
        y.setNumberFormatOverride(new java.text.DecimalFormat("0.##"));
        y.setSmallestValue(1e-3);
        y.setLabelFont(LABEL);
        y.setTickLabelFont(TICK);
        NumberAxis x = number("called when P(class) ≥ threshold");
        XYPlot p = plot(ds, x, y, r);
        p.addRangeMarker(marker(1, "1: uninformative"));
        JFreeChart ch = chart("Likelihood ratios vs confidence", p, true);
        int points = 0;
        for (int i = 0; i < ds.getSeriesCount(); i++) {
            points += ds.getItemCount(i);
        }
        if (points == 0) {
            ch.addSubtitle(new TextTitle("no threshold calls enough rows", LABEL));
        }
        return ch;
    }

    private static JFreeChart periodHistogram(ModelEvaluation m) {
        ResultsObject.Split s = m.oos();
        long span = s.time()[s.time().length - 1] - s.time()[0];
        ChronoUnit unit = span >= 20L * 86_400_000 ? ChronoUnit.DAYS : ChronoUnit.HOURS;
        List<Classification.Period> periods = Classification.accuracyPerPeriod(s.time(), s.actual(), s.predicted(), unit);
        double[] acc = periods.stream().mapToDouble(Classification.Period::accuracy).toArray();
        String per = unit == ChronoUnit.DAYS ? "day" : "hour";
        JFreeChart ch = histogram("Accuracy per " + per + " (" + periods.size() + " " + per + "s, UTC)",
                "accuracy in the " + per, per + "s", acc, 20);
        ch.getXYPlot().getDomainAxis().setRange(0, 1);
        ch.getXYPlot().addDomainMarker(domainMarker(m.metric("accuracy"), "overall " + fmt(m.metric("accuracy"))));
        return ch;
    }

    private static JFreeChart coverage(ModelEvaluation m) {
        double[] th = new double[101];
        for (int i = 0; i < th.length; i++) {
            th[i] = i / 100.0;
        }
        Classification.Coverage c = Classification.coverage(m.oos().actual(), m.oos().predicted(), m.oos().probabilities(), th);
        XYSeries cov = new XYSeries("share of rows kept");
        XYSeries acc = new XYSeries("accuracy of the kept rows");
        int minRows = Math.max(5, m.oos().time().length / 50);
        for (int i = 0; i < th.length; i++) {
            cov.add(th[i], c.coverage()[i]);
            if (c.coverage()[i] * m.oos().time().length >= minRows) {
                acc.add(th[i], c.accuracy()[i]);
            }
        }
        XYSeriesCollection ds = new XYSeriesCollection();
        ds.addSeries(cov);
        ds.addSeries(acc);
        NumberAxis x = number("confidence threshold (highest class probability)");
        NumberAxis y = number("fraction");
        x.setRange(1.0 / m.classes() - 0.02, 1);
        y.setRange(0, 1.02);
        XYPlot p = plot(ds, x, y, lines(2));
        p.addRangeMarker(marker(m.metric("accuracy"), "accuracy of all rows"));
        return chart("Coverage and accuracy vs confidence", p, true);
    }

    private static JFreeChart roc(ModelEvaluation m) {
        XYSeriesCollection ds = new XYSeriesCollection();
        for (int c = 0; c < m.classes(); c++) {
            Classification.Roc roc = Classification.roc(m.oos().actual(), m.oos().probabilities(), c);
            ds.addSeries(line("class " + c + " AUC " + fmt(roc.auc()), roc.fpr(), roc.tpr()));
        }
        XYSeries diag = new XYSeries("chance");
        diag.add(0, 0);
        diag.add(1, 1);
        ds.addSeries(diag);
        XYLineAndShapeRenderer r = lines(ds.getSeriesCount());
        r.setSeriesPaint(m.classes(), SERIES[4]);
        r.setSeriesStroke(m.classes(), new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                new float[] {4f, 4f}, 0f));
        NumberAxis x = number("false-positive rate");
        NumberAxis y = number("true-positive rate");
        x.setRange(0, 1);
        y.setRange(0, 1);
        return chart("ROC, one class vs the rest", plot(ds, x, y, r), true);
    }

    private static JFreeChart pnl(ModelEvaluation m) {
        XYSeriesCollection ds = new XYSeriesCollection();
        if (m.trading().isPresent()) {
            Book.Marked b = m.trading().get().book();
            ds.addSeries(series("net of costs", b.time(), equityPercent(b.net())));
            ds.addSeries(series("gross", b.time(), equityPercent(b.gross())));
            ds.addSeries(series("market (buy and hold)", b.time(), equityPercent(b.marketReturn())));
        }
        JFreeChart ch = timeChart("Money: compounded return of the book", "% of capital", ds);
        ch.getXYPlot().addRangeMarker(marker(0, null));
        if (m.trading().isEmpty()) {
            ch.addSubtitle(new TextTitle(m.returnBasis(), LABEL));
        }
        return ch;
    }

    /** Training and validation loss per epoch of every fold, with the best epoch marked. */
    public static JFreeChart trainingCurves(ResultsObject r) {
        XYSeriesCollection ds = new XYSeriesCollection();
        int best = -1;
        for (ResultsObject.FoldResult f : r.folds()) {
            XYSeries tr = new XYSeries("train loss" + (r.folds().size() > 1 ? " fold " + f.fold() : ""));
            XYSeries va = new XYSeries("validation loss" + (r.folds().size() > 1 ? " fold " + f.fold() : ""));
            for (Map<String, Double> e : f.curves()) {
                Double ep = e.get("epoch");
                if (ep == null) {
                    continue;
                }
                add(tr, ep, e.get("trainLoss"));
                add(va, ep, e.get("validationLoss"));
            }
            if (tr.getItemCount() > 0) {
                ds.addSeries(tr);
            }
            if (va.getItemCount() > 0) {
                ds.addSeries(va);
            }
            best = f.bestEpoch();
        }
        XYPlot p = plot(ds, number("epoch"), number("loss"), lines(ds.getSeriesCount()));
        ((NumberAxis) p.getRangeAxis()).setAutoRangeIncludesZero(false);
        JFreeChart ch = chart("Training curves", p, true);
        if (ds.getSeriesCount() == 0) {
            ch.addSubtitle(new TextTitle("no curves recorded (e.g. an ensemble)", LABEL));
        } else if (best >= 0 && r.folds().size() == 1) {
            p.addDomainMarker(domainMarker(best, "best epoch " + best));
        }
        return ch;
    }

    private static void add(XYSeries s, double x, Double y) {
        if (y != null && Double.isFinite(y)) {
            s.add(x, y);
        }
    }

    // ------------------------------------------------------------------ two models side by side

    /**
     * Two models compared (the console's {@code compare}): a header with both models' headline metrics and their
     * agreement on the common test rows, then both cumulative P&amp;L curves, both signals over the common rows, and
     * one signal against the other.
     */
    public static Drawing comparison(io.atlasj.stats.model.Comparison c) {
        ModelEvaluation a = c.a();
        ModelEvaluation b = c.b();
        List<JFreeChart> panels = new ArrayList<>();
        XYSeriesCollection pnl = new XYSeriesCollection();
        a.trading().ifPresent(t -> pnl.addSeries(series("A " + a.name(), t.book().time(), equityPercent(t.book().net()))));
        b.trading().ifPresent(t -> pnl.addSeries(series("B " + b.name(), t.book().time(), equityPercent(t.book().net()))));
        JFreeChart p = timeChart("Money: compounded net return", "% of capital", pnl);
        p.getXYPlot().addRangeMarker(marker(0, null));
        if (pnl.getSeriesCount() < 2) {
            p.addSubtitle(new TextTitle("not traded: " + (a.trading().isEmpty() ? a.name() : b.name()), LABEL));
        }
        panels.add(p);
        XYSeriesCollection sig = new XYSeriesCollection();
        sig.addSeries(series("A " + a.name(), c.time(), c.signalA()));
        sig.addSeries(series("B " + b.name(), c.time(), c.signalB()));
        panels.add(timeChart("Signals on the " + c.rows() + " common rows", "signal", sig));
        for (JFreeChart ch : panels) {
            // B dashed, so that where the two agree A still shows through
            ch.getXYPlot().getRenderer().setSeriesStroke(1, new BasicStroke(1.8f, BasicStroke.CAP_BUTT,
                    BasicStroke.JOIN_MITER, 10f, new float[] {5f, 3f}, 0f));
        }
        XYSeriesCollection sc = new XYSeriesCollection();
        XYSeries pts = new XYSeries("rows", false, true);
        for (int i = 0; i < c.rows(); i++) {
            pts.add(c.signalA()[i], c.signalB()[i]);
        }
        sc.addSeries(pts);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(false, true);
        r.setSeriesShape(0, new java.awt.geom.Ellipse2D.Double(-2, -2, 4, 4));
        r.setSeriesPaint(0, new Color(0x44, 0x01, 0x54, 110));
        NumberAxis x = number("signal of A");
        NumberAxis y = number("signal of B");
        x.setAutoRangeIncludesZero(false);
        y.setAutoRangeIncludesZero(false);
        panels.add(chart("Signal of B against A (Pearson " + fmt(c.correlation()) + ")", plot(sc, x, y, r), false));
        String[] header = {"A: " + a.unit() + " · " + a.name() + " (" + a.type() + ")   vs   B: " + b.unit() + " · "
                + b.name() + " (" + b.type() + ")",
            "A  " + headline(a), "B  " + headline(b),
            String.format(Locale.ROOT, "on %d common test rows: same position %s · same class %s · signal correlation %s",
                    c.rows(), pct(c.agreement()), pct(c.samePrediction()), fmt(c.correlation()))};
        return new Card(header, panels, 3, 1650, 640);
    }

    private static String headline(ModelEvaluation m) {
        String main = m.classification()
                ? "accuracy " + fmt(m.metric("accuracy")) + " · AUC " + fmt(m.metric("auc macro")) + " · log loss "
                        + fmt(m.metric("log loss"))
                : "RMSE " + fmt4(m.metric("rmse")) + " · IC " + fmt(m.metric("ic")) + " · direction "
                        + fmt(m.metric("direction"));
        return main + " · net Sharpe/bar " + (m.trading().isEmpty() ? "n/a" : fmt(m.rank())) + " · return "
                + (m.trading().isEmpty() ? "n/a" : String.format(Locale.ROOT, "%+.2f%%", m.metric("return %")))
                + " · max DD " + (m.trading().isEmpty() ? "n/a" : String.format(Locale.ROOT, "%.2f%%",
                m.metric("max drawdown %"))) + " · " + m.oos().time().length
                + " test rows · label " + m.label();
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }

    // ------------------------------------------------------------------ correlation and PBO

    /**
     * Pearson correlation of the models' signals ({@link ModelEvaluation#signal()}) on the rows all of them have,
     * as a heatmap; for one unit's models.
     */
    public static Drawing correlation(String unit, List<ModelEvaluation> given) {
        List<ModelEvaluation> models = new ArrayList<>(given);
        models.sort(java.util.Comparator.comparing(ModelEvaluation::name));
        long[] common = models.isEmpty() ? new long[0] : io.atlasj.stats.model.TrialFamily.common(models);
        int n = models.size();
        int rows = common.length;
        double[][] sig = new double[rows][n];
        for (int k = 0; k < n; k++) {
            ModelEvaluation m = models.get(k);
            double[] s = m.signal();
            int i = 0;
            int j = 0;
            for (long t : common) {
                while (m.oos().time()[j] != t) {
                    j++;
                }
                sig[i++][k] = s[j];
            }
        }
        double[][] corr = correlations(sig, n);
        DefaultXYZDataset ds = new DefaultXYZDataset();
        double[][] data = new double[3][n * n];
        int i = 0;
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < n; b++) {
                data[0][i] = b;
                data[1][i] = a;
                data[2][i] = corr[a][b];
                i++;
            }
        }
        ds.addSeries("correlation", data);
        XYBlockRenderer r = new XYBlockRenderer();
        r.setPaintScale(new Viridis(-1, 1));
        String[] names = models.stream().map(ModelEvaluation::name).toArray(String[]::new);
        SymbolAxis x = new SymbolAxis(null, names);
        x.setVerticalTickLabels(true);
        SymbolAxis y = new SymbolAxis(null, names);
        for (SymbolAxis ax : List.of(x, y)) {
            ax.setGridBandsVisible(false);
            ax.setTickLabelFont(n > 40 ? SMALL : TICK);
            ax.setTickLabelsVisible(n <= 80);
            ax.setRange(-0.5, n - 0.5);
        }
        y.setInverted(true);
        XYPlot p = new XYPlot(ds, x, y, r);
        p.setBackgroundPaint(Color.WHITE);
        p.setDomainGridlinesVisible(false);
        p.setRangeGridlinesVisible(false);
        JFreeChart ch = new JFreeChart("Correlation of predictions · " + unit, TITLE, p, false);
        NumberAxis scale = new NumberAxis("Pearson correlation of the signals on " + rows + " common rows");
        scale.setRange(-1, 1);
        scale.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(0.25));
        scale.setLabelFont(LABEL);
        PaintScaleLegend legend = new PaintScaleLegend(new Viridis(-1, 1), scale);
        legend.setPosition(RectangleEdge.BOTTOM);
        legend.setMargin(new RectangleInsets(6, 60, 4, 60));
        legend.setStripWidth(12);
        ch.addSubtitle(legend);
        ch.setBackgroundPaint(Color.WHITE);
        int side = Math.max(520, Math.min(1400, 200 + n * 22));
        return Drawing.of(ch, side + 60, side + 60);
    }

    /**
     * Pearson correlations of the {@code n} columns of {@code sig} (rows x n): NaN with a constant column, all 0 under
     * 3 rows. Each column is centred and scaled once, so a pair is one dot product (200 models: 20,000 pairs).
     */
    static double[][] correlations(double[][] sig, int n) {
        int rows = sig.length;
        double[][] corr = new double[n][n];
        if (rows >= 3) {
            // each signal centred and scaled to unit length once; a correlation is then one dot product
            double[][] scaled = new double[n][];
            for (int a = 0; a < n; a++) {
                double[] x = column(sig, a);
                if (constant(x)) {
                    continue;
                }
                double mean = Arrays.stream(x).average().orElseThrow();
                double ss = 0;
                for (int i = 0; i < rows; i++) {
                    x[i] -= mean;
                    ss += x[i] * x[i];
                }
                double norm = Math.sqrt(ss);
                for (int i = 0; i < rows; i++) {
                    x[i] /= norm;
                }
                scaled[a] = x;
            }
            for (int a = 0; a < n; a++) {
                for (int b = a; b < n; b++) {
                    double c;
                    if (a == b) {
                        c = 1;
                    } else if (scaled[a] == null || scaled[b] == null) {
                        c = Double.NaN;
                    } else {
                        double dot = 0;
                        for (int i = 0; i < rows; i++) {
                            dot += scaled[a][i] * scaled[b][i];
                        }
                        c = Math.max(-1, Math.min(1, dot));
                    }
                    corr[a][b] = c;
                    corr[b][a] = c;
                }
            }
        }
        return corr;
    }

    /** Histogram of the CSCV logits: mass left of zero is the probability of backtest overfitting. */
    public static Drawing pboLogits(String unit, double[] logits, double pbo) {
        JFreeChart ch = histogram("Overfitting · " + unit + " (PBO " + fmt(pbo) + ")",
                "logit of the in-sample best's out-of-sample rank", "combinations", logits, 20);
        ch.getXYPlot().addDomainMarker(domainMarker(0, "overfit ← | → held up"));
        return Drawing.of(ch, 560, 360);
    }

    // ------------------------------------------------------------------ helpers

    static int window(int n) {
        return Math.max(5, Math.min(100, n / 8));
    }

    private static XYSeries series(String name, long[] time, double[] v) {
        double[] x = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            x[i] = time[i];
        }
        return line(name, x, v);
    }

    /** Points of a line beyond which it is thinned for drawing: about two per pixel of a card's widest panel. */
    static final int LINE_POINTS = 2_400;

    /**
     * A line through the finite points {@code (x[i], y[i])} in order. A line of more than {@link #LINE_POINTS} points
     * is drawn through each run of consecutive points' first, lowest, highest and last point instead (min-max
     * decimation): at a card's width that is the same picture, every extreme kept, and drawing 40,000 points into PNG
     * and SVG cost most of a report's time.
     */
    static XYSeries line(String name, double[] x, double[] y) {
        XYSeries s = new XYSeries(name, false, true);
        int[] keep = new int[y.length];
        int n = 0;
        for (int i = 0; i < y.length; i++) {
            if (Double.isFinite(y[i]) && !Double.isNaN(x[i])) {
                keep[n++] = i;
            }
        }
        if (n <= LINE_POINTS) {
            for (int j = 0; j < n; j++) {
                s.add(x[keep[j]], y[keep[j]]);
            }
            return s;
        }
        int buckets = LINE_POINTS / 4;
        for (int b = 0; b < buckets; b++) {
            int from = (int) ((long) n * b / buckets);
            int to = (int) ((long) n * (b + 1) / buckets);
            int lo = from;
            int hi = from;
            for (int j = from; j < to; j++) {
                if (y[keep[j]] < y[keep[lo]]) {
                    lo = j;
                }
                if (y[keep[j]] > y[keep[hi]]) {
                    hi = j;
                }
            }
            int[] picks = {from, Math.min(lo, hi), Math.max(lo, hi), to - 1};
            int last = -1;
            for (int j : picks) {
                if (j > last) {
                    s.add(x[keep[j]], y[keep[j]]);
                    last = j;
                }
            }
        }
        return s;
    }

    private static JFreeChart timeChart(String title, String yLabel, XYSeriesCollection ds) {
        DateAxis x = new DateAxis("time (UTC)");
        x.setTimeZone(TimeZone.getTimeZone("UTC"));
        x.setLabelFont(LABEL);
        x.setTickLabelFont(TICK);
        NumberAxis y = number(yLabel);
        y.setAutoRangeIncludesZero(false);
        return chart(title, plot(ds, x, y, lines(ds.getSeriesCount())), ds.getSeriesCount() > 0);
    }

    private static JFreeChart histogram(String title, String x, String y, double[] values, int bins) {
        HistogramDataset ds = new HistogramDataset();
        double[] finite = Arrays.stream(values).filter(Double::isFinite).toArray();
        if (finite.length > 0) {
            double lo = Arrays.stream(finite).min().orElseThrow();
            double hi = Arrays.stream(finite).max().orElseThrow();
            if (hi == lo) {
                lo -= 0.5;
                hi += 0.5;
            }
            ds.addSeries(title, finite, bins, lo, hi);
        }
        XYBarRenderer r = new XYBarRenderer(0.05);
        r.setBarPainter(new StandardXYBarPainter());
        r.setShadowVisible(false);
        r.setSeriesPaint(0, SERIES[1]);
        NumberAxis xa = number(x);
        xa.setAutoRangeIncludesZero(false);
        NumberAxis ya = number(y);
        ya.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        return chart(title, plot(ds, xa, ya, r), false);
    }

    static NumberAxis number(String label) {
        NumberAxis a = new NumberAxis(label);
        a.setLabelFont(LABEL);
        a.setTickLabelFont(TICK);
        return a;
    }

    private static XYLineAndShapeRenderer lines(int n) {
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        // one path per series, not one SVG element per segment (a card's SVG was 21 MB of <line> elements)
        r.setDrawSeriesLineAsPath(true);
        for (int i = 0; i < n; i++) {
            r.setSeriesPaint(i, SERIES[i % SERIES.length]);
            r.setSeriesStroke(i, new BasicStroke(1.8f));
        }
        return r;
    }

    static XYPlot plot(org.jfree.data.xy.XYDataset ds, ValueAxis x, ValueAxis y, XYItemRenderer r) {
        XYPlot p = new XYPlot(ds, x, y, r);
        p.setBackgroundPaint(Color.WHITE);
        p.setDomainGridlinePaint(GRID);
        p.setRangeGridlinePaint(GRID);
        p.setOutlinePaint(new Color(0xbbbbbb));
        return p;
    }

    static JFreeChart chart(String title, XYPlot p, boolean legend) {
        JFreeChart c = new JFreeChart(title, TITLE, p, legend);
        c.setBackgroundPaint(Color.WHITE);
        c.setPadding(new RectangleInsets(6, 6, 6, 10));
        if (c.getLegend() != null) {
            c.getLegend().setItemFont(TICK);
            c.getLegend().setFrame(org.jfree.chart.block.BlockBorder.NONE);
        }
        return c;
    }

    /** A dashed horizontal line, its label above the line at the right. */
    private static ValueMarker marker(double v, String label) {
        return marker(v, label, false);
    }

    /** A dashed vertical line, its label inside the plot at the top, left of the line. */
    private static ValueMarker domainMarker(double v, String label) {
        return marker(v, label, true);
    }

    static ValueMarker marker(double v, String label, boolean vertical) {
        ValueMarker m = new ValueMarker(v, new Color(0xc0392b), new BasicStroke(1f, BasicStroke.CAP_BUTT,
                BasicStroke.JOIN_MITER, 10f, new float[] {5f, 4f}, 0f));
        if (label != null) {
            m.setLabel(label);
            m.setLabelFont(new Font("DejaVu Sans", Font.PLAIN, 10));
            m.setLabelPaint(new Color(0xa93226));
            m.setLabelBackgroundColor(new Color(255, 255, 255, 210));
            if (vertical) {
                m.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.TOP_LEFT);
                m.setLabelTextAnchor(org.jfree.chart.ui.TextAnchor.TOP_RIGHT);
            } else {
                m.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.TOP_RIGHT);
                m.setLabelTextAnchor(org.jfree.chart.ui.TextAnchor.BOTTOM_RIGHT);
            }
        }
        return m;
    }

    private static double[] column(double[][] m, int k) {
        double[] c = new double[m.length];
        for (int i = 0; i < m.length; i++) {
            c[i] = m[i][k];
        }
        return c;
    }

    private static boolean constant(double[] v) {
        return Arrays.stream(v).allMatch(x -> x == v[0]);
    }

    static String fmt(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.3f", v);
    }

    static String fmt4(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.4g", v);
    }

    private static String date(long t) {
        return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(java.time.ZoneOffset.UTC)
                .format(java.time.Instant.ofEpochMilli(t));
    }
}
