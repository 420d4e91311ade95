package io.atlasj.stats.chart;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jfree.svg.SVGGraphics2D;

/** Writes a {@link Drawing} as PNG (Java2D) and SVG (JFreeSVG). Needs no display: run with java.awt.headless=true. */
public final class ChartFiles {
    private ChartFiles() {
    }

    /**
     * A PNG through pngencoder at deflate level 1, on the calling thread (charts are drawn several at a time): about
     * a third of a card's cost in a report of 200 cards went to the JDK's ImageIO writer, even at its fast setting.
     * Written to a temporary name and renamed, so a file is whole or absent.
     */
    private static void writePng(BufferedImage img, Path png) throws IOException {
        Path tmp = Files.createTempFile(png.toAbsolutePath().getParent(), png.getFileName() + ".", ".tmp");
        try {
            new com.pngencoder.PngEncoder().withBufferedImage(img).withCompressionLevel(1)
                    .withMultiThreadedCompressionEnabled(false).toFile(tmp);
            Files.move(tmp, png, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * The drawing as an SVG document, on white (what the report's files and the dashboard's cards hold). Coordinates
     * are written to a hundredth of a pixel ({@link #hundredths}): JFreeSVG's default, the shortest text that reads back
     * as the same double, was a sixth of a report's time over regressor cards of 10,000 points each.
     */
    public static String svg(Drawing d) {
        SVGGraphics2D s = new SVGGraphics2D(d.width(), d.height());
        s.setGeomDoubleConverter(ChartFiles::hundredths);
        s.setColor(Color.WHITE);
        s.fillRect(0, 0, d.width(), d.height());
        d.draw(s, new Rectangle2D.Double(0, 0, d.width(), d.height()));
        return s.getSVGDocument();
    }

    /** Writes {@code base.png} and {@code base.svg}; returns the PNG's path. */
    public static Path write(Drawing d, Path base) throws IOException {
        return write(d, base, true);
    }

    /**
     * Writes {@code base.png}, and {@code base.svg} when {@code svg} (a heatmap of hundreds of thousands of cells
     * makes an SVG of hundreds of MB, which no browser shows well: callers skip it there).
     */
    public static Path write(Drawing d, Path base, boolean svg) throws IOException {
        Files.createDirectories(base.toAbsolutePath().getParent());
        Path png = base.resolveSibling(base.getFileName() + ".png");
        Path svgFile = base.resolveSibling(base.getFileName() + ".svg");
        BufferedImage img = new BufferedImage(d.width(), d.height(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, d.width(), d.height());
            d.draw(g, new Rectangle2D.Double(0, 0, d.width(), d.height()));
        } finally {
            g.dispose();
        }
        writePng(img, png);
        if (svg) {
            Files.writeString(svgFile, svg(d), StandardCharsets.UTF_8);
        } else {
            Files.deleteIfExists(svgFile);
        }
        return png;
    }

    /**
     * {@code x} rounded to two decimals, without trailing zeros ({@code 12.5}, {@code 3}, {@code -0.07}); a value
     * too large for that, or not finite, as {@link Double#toString}.
     */
    static String hundredths(double x) {
        if (!(Math.abs(x) < 1e15)) {
            return Double.toString(x);
        }
        long c = Math.round(x * 100);
        if (c == 0) {
            return "0";
        }
        StringBuilder b = new StringBuilder(12);
        if (c < 0) {
            b.append('-');
            c = -c;
        }
        b.append(c / 100);
        int frac = (int) (c % 100);
        if (frac != 0) {
            b.append('.').append((char) ('0' + frac / 10));
            if (frac % 10 != 0) {
                b.append((char) ('0' + frac % 10));
            }
        }
        return b.toString();
    }
}
