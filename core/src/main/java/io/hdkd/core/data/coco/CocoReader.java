package io.hdkd.core.data.coco;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.MalformedJsonException;
import io.hdkd.api.InvalidInputException;
import io.hdkd.core.data.Category;
import io.hdkd.core.data.DetectionDataset;
import io.hdkd.core.data.ImageRecord;
import io.hdkd.core.data.ObjectAnnotation;
import io.hdkd.core.io.JsonErrors;
import io.hdkd.core.io.Messages;
import java.io.EOFException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a COCO instances file ({@code images}, {@code annotations}, {@code categories}) into a
 * {@link DetectionDataset}. The file is streamed with Gson's {@link JsonReader}: segmentations and other unused
 * fields are skipped without being built, so COCO's train file (450 MB) loads in a modest heap.
 *
 * <p>Categories are sorted by id; a category's position is its contiguous class index ({@link Category#cocoId()}
 * maps back). Images and annotations keep their file order. {@code area} defaults to {@code w*h} and
 * {@code iscrowd} to 0 when absent; every other field named below is required.
 *
 * <p>Two modes: {@link #read} stops at the first problem with an {@link InvalidInputException}; {@link #check} runs
 * every check and returns all problems, one line each.
 */
public final class CocoReader {

    /**
     * How to read.
     *
     * @param boxPolicy what to do with boxes outside their image or with non-positive size
     * @param checkImages also open every image file (header only) and compare its size with the declared one
     * @param imageInfoRequired whether images need {@code file_name}, {@code width} and {@code height}; evaluation
     *     does not use them (pycocotools neither), so ground truth written by other tools may leave them out
     */
    public record Options(BoxPolicy boxPolicy, boolean checkImages, boolean imageInfoRequired) {
        public static final Options STRICT = new Options(BoxPolicy.ERROR, false);
        /** Ground truth for evaluation: boxes exactly as written, images not opened, image sizes optional. */
        public static final Options FOR_EVALUATION = new Options(BoxPolicy.KEEP, false, false);

        public Options(BoxPolicy boxPolicy, boolean checkImages) {
            this(boxPolicy, checkImages, true);
        }
    }

    /**
     * What was read.
     *
     * @param dataset the dataset (in check mode: the records that passed their checks)
     * @param clipped boxes clipped to their image ({@link BoxPolicy#CLIP})
     * @param dropped annotations left out ({@link BoxPolicy#DROP}, or {@link BoxPolicy#CLIP} with nothing left)
     * @param problems in check mode, every problem found, one line each, prefixed with the file; empty otherwise
     */
    public record Result(DetectionDataset dataset, int clipped, int dropped, List<String> problems) {
        public Result {
            problems = List.copyOf(problems);
        }
    }

    private CocoReader() {}

    /**
     * Reads {@code annotations}, image file names relative to {@code imageDir}.
     *
     * @throws InvalidInputException at the first problem, one line naming the file and the record
     */
    public static Result read(Path annotations, Path imageDir, Options options) {
        return new Parse(annotations, imageDir, options, false).run();
    }

    /** Runs every check (boxes as errors, images opened) and collects all problems instead of stopping. */
    public static Result check(Path annotations, Path imageDir) {
        return new Parse(annotations, imageDir, new Options(BoxPolicy.ERROR, true), true).run();
    }

    private static final class RawImage {
        Long id;
        String fileName;
        Integer width;
        Integer height;
    }

    /** One annotation as parsed; a single instance is reused, the records live in {@link AnnotationColumns}. */
    private static final class RawAnnotation {
        Long id;
        Long imageId;
        Integer categoryId;
        double[] bbox;
        Double area;
        boolean crowd;

        RawAnnotation clear() {
            id = null;
            imageId = null;
            categoryId = null;
            bbox = null;
            area = null;
            crowd = false;
            return this;
        }
    }

    /**
     * The parsed annotations in primitive columns: COCO's train file has 860k of them, and an object (with boxed
     * fields) per record would take several times the heap of the final dataset.
     */
    private static final class AnnotationColumns {
        private static final byte HAS_ID = 1;
        private static final byte HAS_IMAGE = 2;
        private static final byte HAS_CATEGORY = 4;
        private static final byte HAS_AREA = 8;
        private static final byte CROWD = 16;

        private int size;
        private long[] id = new long[256];
        private long[] imageId = new long[256];
        private int[] categoryId = new int[256];
        private double[] box = new double[4 * 256];
        private double[] area = new double[256];
        private byte[] flags = new byte[256];
        /** The bbox's length as read (4 when valid), -1 if absent. */
        private byte[] boxLength = new byte[256];

        int size() {
            return size;
        }

        void add(RawAnnotation a) {
            if (size == id.length) {
                int n = size * 2;
                id = Arrays.copyOf(id, n);
                imageId = Arrays.copyOf(imageId, n);
                categoryId = Arrays.copyOf(categoryId, n);
                box = Arrays.copyOf(box, 4 * n);
                area = Arrays.copyOf(area, n);
                flags = Arrays.copyOf(flags, n);
                boxLength = Arrays.copyOf(boxLength, n);
            }
            int i = size++;
            byte f = 0;
            if (a.id != null) {
                f |= HAS_ID;
                id[i] = a.id;
            }
            if (a.imageId != null) {
                f |= HAS_IMAGE;
                imageId[i] = a.imageId;
            }
            if (a.categoryId != null) {
                f |= HAS_CATEGORY;
                categoryId[i] = a.categoryId;
            }
            if (a.area != null) {
                f |= HAS_AREA;
                area[i] = a.area;
            }
            if (a.crowd) {
                f |= CROWD;
            }
            flags[i] = f;
            boxLength[i] = (byte) (a.bbox == null ? -1 : a.bbox.length);
            if (a.bbox != null && a.bbox.length == 4) {
                System.arraycopy(a.bbox, 0, box, 4 * i, 4);
            }
        }

        /** Loads record {@code i} into {@code into}. */
        RawAnnotation get(int i, RawAnnotation into) {
            into.clear();
            byte f = flags[i];
            into.id = (f & HAS_ID) != 0 ? id[i] : null;
            into.imageId = (f & HAS_IMAGE) != 0 ? imageId[i] : null;
            into.categoryId = (f & HAS_CATEGORY) != 0 ? categoryId[i] : null;
            into.area = (f & HAS_AREA) != 0 ? area[i] : null;
            into.crowd = (f & CROWD) != 0;
            int len = boxLength[i];
            if (len == 4) {
                into.bbox = Arrays.copyOfRange(box, 4 * i, 4 * i + 4);
            } else if (len >= 0) {
                into.bbox = new double[len];
            }
            return into;
        }

        /** Marks every record whose id already appeared earlier in the file. */
        boolean[] repeatedIds() {
            long[] sorted = new long[size];
            int n = 0;
            for (int i = 0; i < size; i++) {
                if ((flags[i] & HAS_ID) != 0) {
                    sorted[n++] = id[i];
                }
            }
            Arrays.sort(sorted, 0, n);
            Set<Long> shared = new HashSet<>();
            for (int i = 1; i < n; i++) {
                if (sorted[i] == sorted[i - 1]) {
                    shared.add(sorted[i]);
                }
            }
            boolean[] repeated = new boolean[size];
            if (!shared.isEmpty()) {
                Set<Long> seen = new HashSet<>();
                for (int i = 0; i < size; i++) {
                    if ((flags[i] & HAS_ID) != 0 && shared.contains(id[i]) && !seen.add(id[i])) {
                        repeated[i] = true;
                    }
                }
            }
            return repeated;
        }
    }

    private static final class RawCategory {
        Integer id;
        String name;
    }

    /** One reading of one file. */
    private static final class Parse {
        private final Path file;
        private final Path imageDir;
        private final Options options;
        private final boolean collect;
        private final List<String> problems = new ArrayList<>();
        private final List<RawImage> images = new ArrayList<>();
        private final AnnotationColumns annotations = new AnnotationColumns();
        private final RawAnnotation scratch = new RawAnnotation();
        private final List<RawCategory> categories = new ArrayList<>();
        private boolean sawImages;
        private boolean sawCategories;
        private int clipped;
        private int dropped;

        Parse(Path file, Path imageDir, Options options, boolean collect) {
            this.file = file;
            this.imageDir = imageDir;
            this.options = options;
            this.collect = collect;
        }

        /**
         * Reports a problem: thrown at once in read mode, collected in check mode; one line, whatever the file's names
         * and keys hold.
         */
        private void problem(String message) {
            String line = Messages.printable(file + ": " + message);
            if (!collect) {
                throw new InvalidInputException(line);
            }
            problems.add(line);
        }

        Result run() {
            if (!parseFile()) {
                return new Result(new DetectionDataset(imageDir, List.of(), List.of()), 0, 0, problems);
            }
            if (!sawImages) {
                problem("missing the \"images\" list");
            }
            if (!sawCategories) {
                problem("missing the \"categories\" list");
            }
            List<Category> cats = resolveCategories();
            Map<Integer, Integer> classOfId = new HashMap<>();
            for (int i = 0; i < cats.size(); i++) {
                classOfId.put(cats.get(i).cocoId(), i);
            }
            Map<Long, RawImage> imageById = resolveImages();
            Map<Long, List<ObjectAnnotation>> objects = resolveAnnotations(imageById, classOfId);
            List<ImageRecord> records = new ArrayList<>(imageById.size());
            for (RawImage im : imageById.values()) {
                records.add(new ImageRecord(im.id, im.fileName, im.width, im.height,
                        objects.getOrDefault(im.id, List.of())));
            }
            return new Result(new DetectionDataset(imageDir, cats, records), clipped, dropped, problems);
        }

        /** Streams the file into raw records; false (after reporting) if it cannot be parsed at all. */
        private boolean parseFile() {
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                    JsonReader json = new JsonReader(in)) {
                if (json.peek() != JsonToken.BEGIN_OBJECT) {
                    problem("expected a JSON object with images, annotations and categories, found " + json.peek());
                    return false;
                }
                json.beginObject();
                while (json.hasNext()) {
                    String name = json.nextName();
                    switch (name) {
                        case "images" -> {
                            sawImages = true;
                            readList(json, "images", () -> images.add(readImage(json)));
                        }
                        case "annotations" ->
                                readList(json, "annotations", () -> annotations.add(readAnnotation(json)));
                        case "categories" -> {
                            sawCategories = true;
                            readList(json, "categories", () -> categories.add(readCategory(json)));
                        }
                        default -> json.skipValue();
                    }
                }
                json.endObject();
                if (json.peek() != JsonToken.END_DOCUMENT) {
                    problem("unexpected content after the top-level object");
                }
                return true;
            } catch (NoSuchFileException e) {
                problem("no such file");
            } catch (MalformedJsonException | EOFException | IllegalStateException | NumberFormatException e) {
                problem("malformed JSON: " + JsonErrors.oneLine(e));
            } catch (IOException e) {
                problem("cannot read: " + JsonErrors.oneLine(e));
            }
            return false;
        }

        @FunctionalInterface
        private interface ElementReader {
            void read() throws IOException;
        }

        private void readList(JsonReader json, String name, ElementReader element) throws IOException {
            if (json.peek() != JsonToken.BEGIN_ARRAY) {
                throw new IllegalStateException("\"" + name + "\" must be a list, found " + json.peek() + " at "
                        + json.getPath());
            }
            json.beginArray();
            while (json.hasNext()) {
                if (json.peek() != JsonToken.BEGIN_OBJECT) {
                    throw new IllegalStateException("expected an object, found " + json.peek() + " at "
                            + json.getPath());
                }
                element.read();
            }
            json.endArray();
        }

        private RawImage readImage(JsonReader json) throws IOException {
            RawImage im = new RawImage();
            json.beginObject();
            while (json.hasNext()) {
                String name = json.nextName();
                if (json.peek() == JsonToken.NULL) {
                    json.nextNull();
                    continue;
                }
                switch (name) {
                    case "id" -> im.id = json.nextLong();
                    case "file_name" -> im.fileName = json.nextString();
                    case "width" -> im.width = json.nextInt();
                    case "height" -> im.height = json.nextInt();
                    default -> json.skipValue();
                }
            }
            json.endObject();
            return im;
        }

        private RawAnnotation readAnnotation(JsonReader json) throws IOException {
            RawAnnotation a = scratch.clear();
            json.beginObject();
            while (json.hasNext()) {
                String name = json.nextName();
                if (json.peek() == JsonToken.NULL) {
                    json.nextNull();
                    continue;
                }
                switch (name) {
                    case "id" -> a.id = json.nextLong();
                    case "image_id" -> a.imageId = json.nextLong();
                    case "category_id" -> a.categoryId = json.nextInt();
                    case "area" -> a.area = json.nextDouble();
                    case "iscrowd" ->
                            a.crowd = json.peek() == JsonToken.BOOLEAN ? json.nextBoolean() : json.nextInt() != 0;
                    case "bbox" -> a.bbox = readNumbers(json);
                    default -> json.skipValue(); // segmentation, keypoints, ...: never materialised
                }
            }
            json.endObject();
            return a;
        }

        private static double[] readNumbers(JsonReader json) throws IOException {
            if (json.peek() != JsonToken.BEGIN_ARRAY) {
                throw new IllegalStateException("bbox must be a list [x, y, w, h], found " + json.peek() + " at "
                        + json.getPath());
            }
            double[] v = new double[4];
            int n = 0;
            json.beginArray();
            while (json.hasNext()) {
                double x = json.nextDouble();
                if (n < 4) {
                    v[n] = x;
                }
                n++;
            }
            json.endArray();
            return n == 4 ? v : new double[Math.min(n, 5)]; // the wrong length is reported with the record's id
        }

        private RawCategory readCategory(JsonReader json) throws IOException {
            RawCategory c = new RawCategory();
            json.beginObject();
            while (json.hasNext()) {
                String name = json.nextName();
                if (json.peek() == JsonToken.NULL) {
                    json.nextNull();
                    continue;
                }
                switch (name) {
                    case "id" -> c.id = json.nextInt();
                    case "name" -> c.name = json.nextString();
                    default -> json.skipValue();
                }
            }
            json.endObject();
            return c;
        }

        private List<Category> resolveCategories() {
            Map<Integer, RawCategory> byId = new HashMap<>();
            for (int i = 0; i < categories.size(); i++) {
                RawCategory c = categories.get(i);
                if (c.id == null) {
                    problem("category #" + (i + 1) + ": missing field \"id\"");
                } else if (c.name == null) {
                    problem("category id " + c.id + ": missing field \"name\"");
                } else if (byId.putIfAbsent(c.id, c) != null) {
                    problem("category id " + c.id + ": duplicate id");
                }
            }
            List<Category> out = new ArrayList<>();
            byId.values().stream().sorted(Comparator.comparingInt((RawCategory c) -> c.id))
                    .forEach(c -> out.add(new Category(c.id, c.name)));
            return out;
        }

        private Map<Long, RawImage> resolveImages() {
            Map<Long, RawImage> byId = new LinkedHashMap<>();
            for (int i = 0; i < images.size(); i++) {
                RawImage im = images.get(i);
                String where = im.id == null ? "image #" + (i + 1) : "image id " + im.id;
                if (!options.imageInfoRequired() && im.id != null) {
                    im.fileName = im.fileName == null ? "" : im.fileName;
                    im.width = im.width == null ? 0 : im.width;
                    im.height = im.height == null ? 0 : im.height;
                }
                String missing = im.id == null ? "id" : im.fileName == null ? "file_name"
                        : im.width == null ? "width" : im.height == null ? "height" : null;
                if (missing != null) {
                    problem(where + ": missing field \"" + missing + "\"");
                    continue;
                }
                if (byId.containsKey(im.id)) {
                    problem(where + ": duplicate id");
                    continue;
                }
                if (options.imageInfoRequired() && (im.width <= 0 || im.height <= 0)) {
                    problem(where + ": width and height must be > 0, got " + im.width + "x" + im.height);
                    continue;
                }
                Path path = ImageFiles.resolveInside(imageDir, im.fileName);
                if (path == null && !(im.fileName.isEmpty() && !options.imageInfoRequired())) {
                    // Always refused, whatever the policy: reading it would leave the dataset's folder.
                    problem(where + ": file_name '" + im.fileName + "' escapes the image folder");
                    continue;
                }
                if (options.checkImages()) {
                    String issue = ImageFiles.checkSize(path, im.width, im.height);
                    if (issue != null) {
                        problem(where + " (" + im.fileName + "): " + issue);
                        continue;
                    }
                }
                byId.put(im.id, im);
            }
            return byId;
        }

        private Map<Long, List<ObjectAnnotation>> resolveAnnotations(Map<Long, RawImage> imageById,
                Map<Integer, Integer> classOfId) {
            Map<Long, List<ObjectAnnotation>> byImage = new HashMap<>();
            boolean[] repeated = annotations.repeatedIds();
            Set<Long> knownImageIds = new HashSet<>();
            for (RawImage im : images) {
                knownImageIds.add(im.id);
            }
            for (int i = 0; i < annotations.size(); i++) {
                RawAnnotation a = annotations.get(i, scratch);
                String where = a.id == null ? "annotation #" + (i + 1) : "annotation id " + a.id;
                String missing = a.id == null ? "id" : a.imageId == null ? "image_id"
                        : a.categoryId == null ? "category_id" : a.bbox == null ? "bbox" : null;
                if (missing != null) {
                    problem(where + ": missing field \"" + missing + "\"");
                    continue;
                }
                if (repeated[i]) {
                    problem(where + ": duplicate id");
                    continue;
                }
                if (a.bbox.length != 4) {
                    problem(where + ": bbox must have 4 numbers [x, y, w, h]");
                    continue;
                }
                if (!knownImageIds.contains(a.imageId)) {
                    problem(where + ": image_id " + a.imageId + " is not in \"images\"");
                    continue;
                }
                Integer classIndex = classOfId.get(a.categoryId);
                if (classIndex == null) {
                    problem(where + ": category_id " + a.categoryId + " is not in \"categories\"");
                    continue;
                }
                RawImage im = imageById.get(a.imageId);
                if (im == null) {
                    continue; // the image itself had a problem, already reported
                }
                ObjectAnnotation o = checkBox(where, a, classIndex, im);
                if (o != null) {
                    byImage.computeIfAbsent(a.imageId, k -> new ArrayList<>()).add(o);
                }
            }
            return byImage;
        }

        /** Applies the box policy; null if the annotation is left out. */
        private ObjectAnnotation checkBox(String where, RawAnnotation a, int classIndex, RawImage im) {
            double x = a.bbox[0];
            double y = a.bbox[1];
            double w = a.bbox[2];
            double h = a.bbox[3];
            double area = a.area != null ? a.area : w * h;
            if (!Double.isFinite(x) || !Double.isFinite(y) || !Double.isFinite(w) || !Double.isFinite(h)
                    || !Double.isFinite(area)) {
                problem(where + ": bbox and area must be finite numbers");
                return null;
            }
            BoxPolicy policy = options.boxPolicy();
            if (policy == BoxPolicy.KEEP) {
                return new ObjectAnnotation(a.id, classIndex, x, y, w, h, area, a.crowd);
            }
            String issue = null;
            if (w <= 0) {
                issue = "bbox width must be > 0, got " + fmt(w);
            } else if (h <= 0) {
                issue = "bbox height must be > 0, got " + fmt(h);
            } else if (x < 0 || y < 0 || x + w > im.width || y + h > im.height) {
                issue = "bbox [" + fmt(x) + ", " + fmt(y) + ", " + fmt(w) + ", " + fmt(h) + "] leaves image id "
                        + im.id + " (" + im.width + "x" + im.height + ")";
            }
            if (issue == null) {
                return new ObjectAnnotation(a.id, classIndex, x, y, w, h, area, a.crowd);
            }
            switch (policy) {
                case ERROR -> {
                    problem(where + ": " + issue);
                    return null;
                }
                case DROP -> {
                    dropped++;
                    return null;
                }
                default -> {
                    double x1 = Math.max(0, x);
                    double y1 = Math.max(0, y);
                    double x2 = Math.min(im.width, x + w);
                    double y2 = Math.min(im.height, y + h);
                    if (x2 <= x1 || y2 <= y1) {
                        dropped++;
                        return null;
                    }
                    clipped++;
                    double cw = x2 - x1;
                    double ch = y2 - y1;
                    return new ObjectAnnotation(a.id, classIndex, x1, y1, cw, ch, Math.min(area, cw * ch), a.crowd);
                }
            }
        }

        private static String fmt(double v) {
            return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
        }
    }
}
