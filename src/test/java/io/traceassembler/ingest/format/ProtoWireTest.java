package io.traceassembler.ingest.format;

import com.google.protobuf.CodedInputStream;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The wire primitives against protobuf-java's own {@link CodedInputStream} on random bytes (heavy
 * in continuation bits, so long and malformed varints are common): the same value, the same
 * position afterwards, or the same exception message.
 */
class ProtoWireTest {
    private final Random random = new Random(11);

    private interface Op<R> {
        Object apply(R reader) throws Exception;
    }

    private static String outcome(Op<CodedInputStream> op, CodedInputStream in) {
        try {
            Object value = op.apply(in);
            return value + " @" + in.getTotalBytesRead();
        } catch (Exception e) {
            return "error: " + e.getMessage();
        }
    }

    private static String outcome(Op<ProtoWire> op, ProtoWire in) {
        try {
            Object value = op.apply(in);
            return value + " @" + in.getTotalBytesRead();
        } catch (Exception e) {
            return "error: " + e.getMessage();
        }
    }

    private byte[] randomBytes() {
        byte[] b = new byte[random.nextInt(24)];
        for (int i = 0; i < b.length; i++) {
            int r = random.nextInt(10);
            b[i] = (byte) (r < 6 ? 0x80 | random.nextInt(128) : r < 9 ? random.nextInt(128) : 0);
        }
        return b;
    }

    private void assertSame(String what, Op<CodedInputStream> theirs, Op<ProtoWire> ours) {
        int errors = 0;
        for (int n = 0; n < 20_000; n++) {
            byte[] b = randomBytes();
            int offset = b.length == 0 ? 0 : random.nextInt(b.length);
            int length = b.length - offset;
            String expected = outcome(theirs, CodedInputStream.newInstance(b, offset, length));
            String actual = outcome(ours, new ProtoWire(b, offset, length));
            errors += expected.startsWith("error") ? 1 : 0;
            assertThat(actual)
                    .as("%s of %s from %d", what, Arrays.toString(b), offset)
                    .isEqualTo(expected);
        }
        assertThat(errors).as("%s: some inputs fail", what).isPositive();
    }

    @Test
    void varintsAsProtobufReadThem() {
        assertSame(
                "readRawVarint32", CodedInputStream::readRawVarint32, ProtoWire::readRawVarint32);
        assertSame(
                "readRawVarint64", CodedInputStream::readRawVarint64, ProtoWire::readRawVarint64);
        assertSame("readFixed64", CodedInputStream::readFixed64, ProtoWire::readFixed64);
    }

    @Test
    void tagsAndSkippedFieldsAsProtobufReadThem() {
        assertSame("readTag", CodedInputStream::readTag, ProtoWire::readTag);
        assertSame(
                "skip the fields of a message",
                in -> {
                    int skipped = 0;
                    for (int tag = in.readTag();
                            tag != 0 && in.skipField(tag);
                            tag = in.readTag()) {
                        skipped++;
                    }
                    return skipped;
                },
                in -> {
                    int skipped = 0;
                    for (int tag = in.readTag();
                            tag != 0 && in.skipField(tag);
                            tag = in.readTag()) {
                        skipped++;
                    }
                    return skipped;
                });
    }

    @Test
    void limitsAsProtobufKeepThem() {
        assertSame(
                "a length, a limit, its varints",
                in -> {
                    int old = in.pushLimit(in.readRawVarint32());
                    long sum = 0;
                    while (!in.isAtEnd()) {
                        sum += in.readRawVarint64();
                    }
                    int left = in.getBytesUntilLimit();
                    in.popLimit(old);
                    return sum + "/" + left + "/" + in.isAtEnd();
                },
                in -> {
                    int old = in.pushLimit(in.readRawVarint32());
                    long sum = 0;
                    while (!in.isAtEnd()) {
                        sum += in.readRawVarint64();
                    }
                    int left = in.getBytesUntilLimit();
                    in.popLimit(old);
                    return sum + "/" + left + "/" + in.isAtEnd();
                });
    }

    @Test
    void groupsDeeperThanTheRecursionLimitAreRefused() throws Exception {
        byte[] nested = new byte[2 * 5];
        Arrays.fill(nested, 0, 5, (byte) 0x0B); // five start-group tags of field 1
        Arrays.fill(nested, 5, 10, (byte) 0x0C); // and their ends
        ProtoWire deepEnough = new ProtoWire(nested, 0, nested.length);
        deepEnough.setRecursionLimit(5);
        assertThat(deepEnough.skipField(deepEnough.readTag())).isTrue();

        ProtoWire tooDeep = new ProtoWire(nested, 0, nested.length);
        tooDeep.setRecursionLimit(3);
        CodedInputStream theirs = CodedInputStream.newInstance(nested);
        theirs.setRecursionLimit(3);
        String expected = outcome(in -> in.skipField(in.readTag()), theirs);
        assertThat(outcome(in -> in.skipField(in.readTag()), tooDeep))
                .isEqualTo(expected)
                .startsWith("error: Protocol message had too many levels of nesting");
    }
}
