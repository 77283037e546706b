package io.livestream.media.fmp4;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** A test's reading of ISO BMFF: every box as a path ({@code moov/trak/mdia}) with its offset and size. */
public record BoxTree(String path, int offset, int size) {
    /** Boxes that hold boxes; the sample entries' children start after their fixed fields. */
    private static final Set<String> CONTAINERS = Set.of("moov", "trak", "mdia", "minf", "dinf", "stbl", "mvex", "moof", "traf");

    public static List<BoxTree> read(byte[] file) {
        List<BoxTree> out = new ArrayList<>();
        walk(file, 0, file.length, "", out);
        return out;
    }

    public static List<String> paths(byte[] file) {
        return read(file).stream().map(BoxTree::path).toList();
    }

    public static BoxTree find(byte[] file, String path) {
        return read(file).stream().filter(b -> b.path.equals(path)).findFirst()
                .orElseThrow(() -> new AssertionError("no box " + path));
    }

    /** The box's content after its 8-byte header. */
    public byte[] body(byte[] file) {
        byte[] b = new byte[size - 8];
        System.arraycopy(file, offset + 8, b, 0, b.length);
        return b;
    }

    private static void walk(byte[] file, int from, int to, String parent, List<BoxTree> out) {
        int at = from;
        while (at < to) {
            int size = ByteBuffer.wrap(file, at, 4).getInt();
            if (size < 8 || at + size > to) {
                throw new AssertionError("box at " + at + " of size " + size + " overruns its parent (ends at " + to + ")");
            }
            String type = new String(file, at + 4, 4, StandardCharsets.US_ASCII);
            String path = parent.isEmpty() ? type : parent + "/" + type;
            out.add(new BoxTree(path, at, size));
            if (CONTAINERS.contains(type)) {
                walk(file, at + 8, at + size, path, out);
            } else if (type.equals("stsd") || type.equals("dref")) {
                walk(file, at + 16, at + size, path, out); // FullBox header and entry_count
            } else if (type.equals("avc1")) {
                walk(file, at + 8 + 78, at + size, path, out); // VisualSampleEntry fields
            } else if (type.equals("mp4a")) {
                walk(file, at + 8 + 28, at + size, path, out); // AudioSampleEntry fields
            }
            at += size;
        }
    }
}
