package io.hdkd.core.eval;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.MalformedJsonException;
import com.google.gson.stream.JsonWriter;
import io.hdkd.api.InvalidInputException;
import io.hdkd.core.io.AtomicFiles;
import io.hdkd.core.io.JsonErrors;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes detections in COCO's results format: a JSON list of
 * {@code {"image_id": 1, "category_id": 18, "bbox": [x, y, w, h], "score": 0.93}}. Reading streams (a results file
 * for COCO val has hundreds of thousands of entries) and ignores other fields such as {@code segmentation}; writing
 * is atomic.
 */
public final class CocoResults {

    private CocoResults() {}

    /**
     * Reads a results file.
     *
     * @throws InvalidInputException naming the file and the entry if the file is missing, is not JSON, or an entry
     *     lacks a field or has a non-finite number or a negative box size
     */
    public static List<CocoDetection> read(Path file) {
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                JsonReader json = new JsonReader(in)) {
            List<CocoDetection> out = new ArrayList<>();
            if (json.peek() != JsonToken.BEGIN_ARRAY) {
                throw new InvalidInputException(file + ": expected a JSON list of detections, found " + json.peek());
            }
            json.beginArray();
            while (json.hasNext()) {
                out.add(readOne(json, file, out.size() + 1));
            }
            json.endArray();
            if (json.peek() != JsonToken.END_DOCUMENT) {
                throw new InvalidInputException(file + ": unexpected content after the list of detections");
            }
            return out;
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(file + ": no such file");
        } catch (MalformedJsonException | EOFException | IllegalStateException | NumberFormatException e) {
            throw new InvalidInputException(file + ": malformed JSON: " + JsonErrors.oneLine(e), e);
        } catch (IOException e) {
            throw new InvalidInputException(file + ": cannot read: " + JsonErrors.oneLine(e), e);
        }
    }

    private static CocoDetection readOne(JsonReader json, Path file, int n) throws IOException {
        String where = file + ": detection #" + n;
        if (json.peek() != JsonToken.BEGIN_OBJECT) {
            throw new InvalidInputException(where + ": expected an object, found " + json.peek());
        }
        Long imageId = null;
        Integer categoryId = null;
        double[] bbox = null;
        Double score = null;
        json.beginObject();
        while (json.hasNext()) {
            String name = json.nextName();
            switch (name) {
                case "image_id" -> imageId = json.nextLong();
                case "category_id" -> categoryId = json.nextInt();
                case "score" -> score = json.nextDouble();
                case "bbox" -> bbox = readBox(json, where);
                default -> json.skipValue();
            }
        }
        json.endObject();
        requirePresent(imageId, "image_id", where);
        requirePresent(categoryId, "category_id", where);
        requirePresent(bbox, "bbox", where);
        requirePresent(score, "score", where);
        if (!Double.isFinite(score)) {
            throw new InvalidInputException(where + ": score must be a finite number, got " + score);
        }
        for (double v : bbox) {
            if (!Double.isFinite(v)) {
                throw new InvalidInputException(where + ": bbox values must be finite numbers");
            }
        }
        if (bbox[2] < 0 || bbox[3] < 0) {
            throw new InvalidInputException(where + ": bbox width and height must be >= 0, got " + bbox[2] + " x "
                    + bbox[3]);
        }
        return new CocoDetection(imageId, categoryId, bbox[0], bbox[1], bbox[2], bbox[3], score);
    }

    private static double[] readBox(JsonReader json, String where) throws IOException {
        if (json.peek() != JsonToken.BEGIN_ARRAY) {
            throw new InvalidInputException(where + ": bbox must be a list [x, y, w, h], found " + json.peek());
        }
        double[] box = new double[4];
        int n = 0;
        json.beginArray();
        while (json.hasNext()) {
            double v = json.nextDouble();
            if (n < 4) {
                box[n] = v;
            }
            n++;
        }
        json.endArray();
        if (n != 4) {
            throw new InvalidInputException(where + ": bbox must have 4 numbers [x, y, w, h], got " + n);
        }
        return box;
    }

    private static void requirePresent(Object value, String field, String where) {
        if (value == null) {
            throw new InvalidInputException(where + ": missing field \"" + field + "\"");
        }
    }

    /** Writes {@code detections} to {@code file} atomically (a reader never sees half a file). */
    public static void write(Path file, List<CocoDetection> detections) {
        AtomicFiles.write(file, out -> {
            JsonWriter json = new JsonWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            json.beginArray();
            for (CocoDetection d : detections) {
                json.beginObject();
                json.name("image_id").value(d.imageId());
                json.name("category_id").value(d.categoryId());
                json.name("bbox").beginArray().value(d.x()).value(d.y()).value(d.width()).value(d.height()).endArray();
                json.name("score").value(d.score());
                json.endObject();
            }
            json.endArray();
            json.flush();
        });
    }
}
