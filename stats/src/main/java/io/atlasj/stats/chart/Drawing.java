package io.atlasj.stats.chart;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import org.jfree.chart.JFreeChart;

/** Something that draws itself at a size: one JFreeChart, or a composite of several with a header. */
public interface Drawing {
    int width();

    int height();

    void draw(Graphics2D g, Rectangle2D area);

    /** A single chart at a size. */
    static Drawing of(JFreeChart chart, int width, int height) {
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
                chart.draw(g, area);
            }
        };
    }
}
