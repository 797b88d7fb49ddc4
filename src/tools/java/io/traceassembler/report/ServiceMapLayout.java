package io.traceassembler.report;

import org.eclipse.elk.alg.layered.options.LayeredOptions;
import org.eclipse.elk.core.RecursiveGraphLayoutEngine;
import org.eclipse.elk.core.math.ElkPadding;
import org.eclipse.elk.core.options.CoreOptions;
import org.eclipse.elk.core.options.Direction;
import org.eclipse.elk.core.options.EdgeLabelPlacement;
import org.eclipse.elk.core.options.EdgeRouting;
import org.eclipse.elk.core.util.BasicProgressMonitor;
import org.eclipse.elk.graph.ElkBendPoint;
import org.eclipse.elk.graph.ElkEdge;
import org.eclipse.elk.graph.ElkEdgeSection;
import org.eclipse.elk.graph.ElkLabel;
import org.eclipse.elk.graph.ElkNode;
import org.eclipse.elk.graph.util.ElkGraphUtil;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lays out a {@link ServiceMap} with the Eclipse Layout Kernel's layered algorithm (Sugiyama style:
 * callers left of callees, few crossings, orthogonal edges, edge labels placed as part of the
 * layout so that they overlap neither nodes nor each other). Node and label boxes are sized from
 * their text at the page's font sizes.
 */
final class ServiceMapLayout {
    /** Names longer than this are shortened on the node (the full name is in its tooltip). */
    static final int MAX_NODE_LABEL = 36;

    private static final double NODE_CHAR_WIDTH = 7.2; // 12 px sans-serif, a little generous
    private static final double NODE_HEIGHT = 34;
    private static final double NODE_MIN_WIDTH = 90;
    private static final double LABEL_CHAR_WIDTH = 6.4; // 11 px
    private static final double LABEL_HEIGHT = 15;

    private ServiceMapLayout() {}

    static final class PlacedNode {
        final ServiceMap.Node node;
        final String label;
        final double x;
        final double y;
        final double width;
        final double height;

        PlacedNode(ServiceMap.Node node, String label, ElkNode elk) {
            this.node = node;
            this.label = label;
            this.x = elk.getX();
            this.y = elk.getY();
            this.width = elk.getWidth();
            this.height = elk.getHeight();
        }
    }

    static final class RoutedEdge {
        final ServiceMap.Edge edge;

        /** Start, bend points, end: at least two points. */
        final List<double[]> points;

        final String label;
        final double labelX;
        final double labelY;
        final double labelWidth;
        final double labelHeight;

        RoutedEdge(ServiceMap.Edge edge, List<double[]> points, ElkLabel label) {
            this.edge = edge;
            this.points = points;
            this.label = label.getText();
            this.labelX = label.getX();
            this.labelY = label.getY();
            this.labelWidth = label.getWidth();
            this.labelHeight = label.getHeight();
        }
    }

    static final class Result {
        final double width;
        final double height;
        final List<PlacedNode> nodes;
        final List<RoutedEdge> edges;

        Result(double width, double height, List<PlacedNode> nodes, List<RoutedEdge> edges) {
            this.width = width;
            this.height = height;
            this.nodes = nodes;
            this.edges = edges;
        }
    }

    static Result layout(ServiceMap map) {
        if (map.nodes.isEmpty()) {
            return new Result(0, 0, List.of(), List.of());
        }
        ElkNode root = ElkGraphUtil.createGraph();
        root.setProperty(CoreOptions.ALGORITHM, LayeredOptions.ALGORITHM_ID);
        root.setProperty(CoreOptions.DIRECTION, Direction.RIGHT);
        root.setProperty(CoreOptions.EDGE_ROUTING, EdgeRouting.ORTHOGONAL);
        root.setProperty(CoreOptions.PADDING, new ElkPadding(24));
        root.setProperty(CoreOptions.SPACING_NODE_NODE, 26.0);
        root.setProperty(CoreOptions.SPACING_EDGE_LABEL, 3.0);
        root.setProperty(LayeredOptions.SPACING_NODE_NODE_BETWEEN_LAYERS, 60.0);
        root.setProperty(LayeredOptions.SPACING_EDGE_NODE_BETWEEN_LAYERS, 18.0);
        root.setProperty(LayeredOptions.SPACING_EDGE_EDGE_BETWEEN_LAYERS, 12.0);

        Map<String, ElkNode> elkNodes = new LinkedHashMap<>();
        Map<String, String> labels = new LinkedHashMap<>();
        for (ServiceMap.Node node : map.nodes) {
            String label = Formats.shorten(node.name, MAX_NODE_LABEL);
            ElkNode elk = ElkGraphUtil.createNode(root);
            elk.setDimensions(
                    Math.max(NODE_MIN_WIDTH, 24 + label.length() * NODE_CHAR_WIDTH), NODE_HEIGHT);
            elkNodes.put(node.name, elk);
            labels.put(node.name, label);
        }
        Map<ServiceMap.Edge, ElkEdge> elkEdges = new LinkedHashMap<>();
        for (ServiceMap.Edge edge : map.edges) {
            ElkEdge elk =
                    ElkGraphUtil.createSimpleEdge(
                            elkNodes.get(edge.client), elkNodes.get(edge.server));
            ElkLabel label = ElkGraphUtil.createLabel(edgeLabel(edge), elk);
            label.setDimensions(8 + label.getText().length() * LABEL_CHAR_WIDTH, LABEL_HEIGHT);
            label.setProperty(CoreOptions.EDGE_LABELS_PLACEMENT, EdgeLabelPlacement.CENTER);
            elkEdges.put(edge, elk);
        }

        new RecursiveGraphLayoutEngine().layout(root, new BasicProgressMonitor());

        List<PlacedNode> nodes = new ArrayList<>();
        for (ServiceMap.Node node : map.nodes) {
            nodes.add(new PlacedNode(node, labels.get(node.name), elkNodes.get(node.name)));
        }
        List<RoutedEdge> edges = new ArrayList<>();
        elkEdges.forEach(
                (edge, elk) ->
                        edges.add(new RoutedEdge(edge, points(elk), elk.getLabels().get(0))));
        return new Result(root.getWidth(), root.getHeight(), nodes, edges);
    }

    /** {@code 1,234 req · 2.1% err}; the error rate only when some failed. */
    static String edgeLabel(ServiceMap.Edge edge) {
        String label = Formats.count(edge.requests) + " req";
        if (edge.failed > 0) {
            label += " \u00b7 " + Formats.percent(edge.errorRate()) + " err";
        }
        return label;
    }

    /**
     * The edge's route in the root's coordinates (edges between children of the root are laid out
     * in the root's coordinate system).
     */
    private static List<double[]> points(ElkEdge edge) {
        List<double[]> points = new ArrayList<>();
        for (ElkEdgeSection section : edge.getSections()) {
            points.add(new double[] {section.getStartX(), section.getStartY()});
            for (ElkBendPoint bend : section.getBendPoints()) {
                points.add(new double[] {bend.getX(), bend.getY()});
            }
            points.add(new double[] {section.getEndX(), section.getEndY()});
        }
        return points;
    }
}
