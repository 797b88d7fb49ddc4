package io.traceassembler.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The laid-out service map as the page template draws it: SVG geometry and texts. */
final class MapView {
    final String width;
    final String height;
    final List<NodeView> nodes = new ArrayList<>();
    final List<EdgeView> edges = new ArrayList<>();
    final boolean hasFailing;

    MapView(ServiceMapLayout.Result layout, Map<String, SpanRed.Service> red) {
        this.width = num(Math.ceil(layout.width));
        this.height = num(Math.ceil(layout.height));
        layout.nodes.forEach(n -> nodes.add(new NodeView(n, red.get(n.node.name))));
        layout.edges.forEach(e -> edges.add(new EdgeView(e)));
        this.hasFailing = layout.edges.stream().anyMatch(e -> e.edge.failing());
    }

    static final class NodeView {
        final String name;
        final String label;
        final String kind;
        final boolean database;
        final String x;
        final String y;
        final String width;
        final String height;
        final String textX;
        final String textY;
        final String cylinder;
        final String title;

        NodeView(ServiceMapLayout.PlacedNode n, SpanRed.Service red) {
            name = n.node.name;
            label = n.label;
            kind = n.node.kind.name().toLowerCase(Locale.ROOT);
            database = n.node.kind == ServiceMap.Kind.DATABASE;
            x = num(n.x);
            y = num(n.y);
            width = num(n.width);
            height = num(n.height);
            textX = num(n.x + n.width / 2);
            textY = num(n.y + n.height / 2 + 4);
            cylinder = database ? cylinder(n.x, n.y, n.width, n.height) : null;
            String what =
                    n.node.kind == ServiceMap.Kind.SERVICE
                            ? "service"
                            : n.node.kind == ServiceMap.Kind.DATABASE
                                    ? "database (named by its clients' spans)"
                                    : "peer (named by its clients' spans)";
            title =
                    name
                            + " \u2014 "
                            + what
                            + (red == null
                                    ? ""
                                    : "; "
                                            + Formats.count(red.calls)
                                            + " spans, "
                                            + Formats.percent(red.errorRate())
                                            + " errors");
        }

        /** A cylinder filling the box: the usual database symbol. */
        private static String cylinder(double x, double y, double w, double h) {
            double ry = 5;
            double rx = w / 2;
            return String.format(
                    Locale.ROOT,
                    "M%.1f %.1f A%.1f %.1f 0 0 1 %.1f %.1f V%.1f A%.1f %.1f 0 0 1 %.1f %.1f Z "
                            + "M%.1f %.1f A%.1f %.1f 0 0 0 %.1f %.1f",
                    x,
                    y + ry,
                    rx,
                    ry,
                    x + w,
                    y + ry,
                    y + h - ry,
                    rx,
                    ry,
                    x,
                    y + h - ry,
                    x,
                    y + ry,
                    rx,
                    ry,
                    x + w,
                    y + ry);
        }
    }

    static final class EdgeView {
        final String client;
        final String server;
        final String connectionType;
        final long requests;
        final long failed;
        final String path;
        final boolean failing;
        final String label;
        final String labelX;
        final String labelY;
        final String labelWidth;
        final String labelHeight;
        final String labelTextX;
        final String labelTextY;
        final String title;

        EdgeView(ServiceMapLayout.RoutedEdge e) {
            ServiceMap.Edge edge = e.edge;
            client = edge.client;
            server = edge.server;
            connectionType = edge.connectionType;
            requests = edge.requests;
            failed = edge.failed;
            StringBuilder d = new StringBuilder();
            for (double[] p : e.points) {
                d.append(d.length() == 0 ? "M" : " L").append(num(p[0])).append(' ');
                d.append(num(p[1]));
            }
            path = d.toString();
            failing = edge.failing();
            label = e.label;
            labelX = num(e.labelX);
            labelY = num(e.labelY);
            labelWidth = num(e.labelWidth);
            labelHeight = num(e.labelHeight);
            labelTextX = num(e.labelX + e.labelWidth / 2);
            labelTextY = num(e.labelY + e.labelHeight - 4);
            title =
                    String.format(
                            Locale.ROOT,
                            "%s \u2192 %s (%s): %s requests, %s failed (%s); p99 %s (worst minute), max %s",
                            client,
                            server,
                            connectionType,
                            Formats.count(edge.requests),
                            Formats.count(edge.failed),
                            Formats.percent(edge.errorRate()),
                            Formats.ms(edge.worstMinuteP99Ms),
                            Formats.ms(edge.maxMs));
        }
    }

    private static String num(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }
}
