package io.atlasj.cli.console;

import io.atlasj.stats.chart.Drawing;
import java.awt.Dimension;
import java.awt.Graphics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import javax.swing.JComponent;
import javax.swing.JFrame;
import javax.swing.JScrollPane;
import javax.swing.SwingUtilities;
import javax.swing.WindowConstants;

/** A chart in a Swing window (when the console has a display), drawn at its own size in a scroll pane. */
final class ChartWindow {
    private ChartWindow() {
    }

    static void open(Drawing d, String title) {
        SwingUtilities.invokeLater(() -> {
            JComponent canvas = new JComponent() {
                private static final long serialVersionUID = 1L;

                @Override
                protected void paintComponent(Graphics g) {
                    Graphics2D g2 = (Graphics2D) g.create();
                    try {
                        g2.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
                        g2.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
                        g2.setColor(java.awt.Color.WHITE);
                        g2.fillRect(0, 0, d.width(), d.height());
                        d.draw(g2, new Rectangle2D.Double(0, 0, d.width(), d.height()));
                    } finally {
                        g2.dispose();
                    }
                }
            };
            canvas.setPreferredSize(new Dimension(d.width(), d.height()));
            JFrame frame = new JFrame("Atlas: " + title);
            frame.setDefaultCloseOperation(WindowConstants.DISPOSE_ON_CLOSE);
            frame.add(new JScrollPane(canvas));
            Dimension screen = frame.getToolkit().getScreenSize();
            frame.setSize(Math.min(d.width() + 40, screen.width - 40), Math.min(d.height() + 60, screen.height - 80));
            frame.setLocationByPlatform(true);
            frame.setVisible(true);
        });
    }
}
