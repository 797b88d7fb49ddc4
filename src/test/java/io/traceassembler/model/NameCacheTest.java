package io.traceassembler.model;

import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.types.StringValue;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class NameCacheTest {

    /** Strings of every shape StringValue encodes: null, empty, ASCII, multi-byte chars, long. */
    private static List<String> randomStrings(Random random, int count) {
        List<String> strings = new ArrayList<>();
        strings.add(null);
        strings.add("");
        for (int i = 0; i < count; i++) {
            int length =
                    random.nextInt(10) == 0
                            ? NameCache.MAX_CACHED_LENGTH + random.nextInt(300)
                            : random.nextInt(40);
            StringBuilder s = new StringBuilder();
            for (int j = 0; j < length; j++) {
                switch (random.nextInt(4)) {
                    case 0:
                        s.append((char) (0x80 + random.nextInt(0x780))); // two 7-bit groups
                        break;
                    case 1:
                        s.append((char) (0x4000 + random.nextInt(0xC000))); // three groups
                        break;
                    default:
                        s.append((char) (' ' + random.nextInt(95)));
                }
            }
            strings.add(s.toString());
        }
        return strings;
    }

    private static DataInputDeserializer written(List<String> strings) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(1024);
        for (String s : strings) {
            StringValue.writeString(s, out);
        }
        return new DataInputDeserializer(out.getCopyOfBuffer());
    }

    @Test
    void readsWhatStringValueReads() throws IOException {
        List<String> strings = randomStrings(new Random(7), 5_000);
        DataInputDeserializer ours = written(strings);
        DataInputDeserializer flinks = written(strings);
        NameCache cache = new NameCache();
        for (String expected : strings) {
            String read = cache.read(ours);
            assertThat(read).isEqualTo(StringValue.readString(flinks)).isEqualTo(expected);
        }
        assertThat(ours.available()).isZero();
    }

    @Test
    void repeatedNamesAreOneInstance() throws IOException {
        List<String> strings =
                List.of("checkout", "GET /cart", "checkout", "GET /cart", "checkout");
        DataInputDeserializer in = written(strings);
        NameCache cache = new NameCache();
        String first = cache.read(in);
        String second = cache.read(in);
        assertThat(cache.read(in)).isSameAs(first);
        assertThat(cache.read(in)).isSameAs(second);
        assertThat(cache.read(in)).isSameAs(first);
    }

    @Test
    void longStringsAreNotKept() throws IOException {
        String longName = "x".repeat(NameCache.MAX_CACHED_LENGTH + 1);
        DataInputDeserializer in = written(List.of(longName, longName));
        NameCache cache = new NameCache();
        String first = cache.read(in);
        String second = cache.read(in);
        assertThat(second).isEqualTo(longName).isNotSameAs(first);
    }

    @Test
    void beyondItsCapacityNamesAreStillReadButNotKept() throws IOException {
        List<String> strings = new ArrayList<>();
        for (int i = 0; i < NameCache.CAPACITY; i++) {
            strings.add("service-" + i);
        }
        strings.add("one-too-many");
        strings.add("one-too-many");
        strings.add("service-0");
        DataInputDeserializer in = written(strings);
        NameCache cache = new NameCache();
        String service0 = cache.read(in);
        for (int i = 1; i < NameCache.CAPACITY; i++) {
            cache.read(in);
        }
        String extra = cache.read(in);
        assertThat(cache.read(in)).isEqualTo("one-too-many").isNotSameAs(extra);
        assertThat(cache.read(in)).isSameAs(service0);
    }
}
