package io.traceassembler.report;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;

import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Renders a {@link ReportPage} with its Mustache template (a class path resource, so it travels in
 * the tools jar). Mustache escapes every value it inserts, in text and in attributes alike.
 */
final class ReportRenderer {
    static final String TEMPLATE = "io/traceassembler/report/report.mustache";

    private ReportRenderer() {}

    static String render(ReportPage page) {
        StringWriter html = new StringWriter(64 * 1024);
        render(page, html);
        return html.toString();
    }

    static void render(ReportPage page, Writer out) {
        Mustache template = new DefaultMustacheFactory().compile(TEMPLATE);
        try {
            template.execute(out, page).flush();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Writes the page to {@code output} through a temporary file beside it, so a browser never
     * shows half a report.
     */
    static void write(ReportPage page, Path output) throws IOException {
        Path target = output.toAbsolutePath();
        Files.createDirectories(target.getParent());
        Path partial = Files.createTempFile(target.getParent(), ".report-", ".html");
        try {
            try (Writer out = Files.newBufferedWriter(partial, StandardCharsets.UTF_8)) {
                render(page, out);
            }
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(partial);
        }
    }
}
