package io.hdkd.core.data.coco;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.hdkd.core.data.Category;
import io.hdkd.core.data.DetectionDataset;
import io.hdkd.core.data.ImageRecord;
import io.hdkd.core.data.ObjectAnnotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CocoWriterTest {

    private static DetectionDataset sample() {
        List<Category> cats = List.of(new Category(3, "cat"), new Category(17, "dog"));
        ImageRecord a = new ImageRecord(5, "a.jpg", 640, 480, List.of(
                new ObjectAnnotation(1, 1, 10.5, 20, 30, 40.25, 1000, false),
                new ObjectAnnotation(2, 0, 0, 0, 100, 50, 5000, true)));
        ImageRecord b = new ImageRecord(9, "sub/b.png", 32, 16, List.of());
        return new DetectionDataset(Path.of("imgs"), cats, List.of(a, b));
    }

    @Test
    void writesStandardInstancesFieldsWithCocoCategoryIds(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("ann/instances.json");
        CocoWriter.write(sample(), file);
        JsonObject root = JsonParser.parseString(Files.readString(file)).getAsJsonObject();

        JsonArray images = root.getAsJsonArray("images");
        assertThat(images).hasSize(2);
        JsonObject im = images.get(1).getAsJsonObject();
        assertThat(im.get("id").getAsLong()).isEqualTo(9);
        assertThat(im.get("file_name").getAsString()).isEqualTo("sub/b.png");
        assertThat(im.get("width").getAsInt()).isEqualTo(32);
        assertThat(im.get("height").getAsInt()).isEqualTo(16);

        JsonArray anns = root.getAsJsonArray("annotations");
        assertThat(anns).hasSize(2);
        JsonObject first = anns.get(0).getAsJsonObject();
        assertThat(first.get("id").getAsLong()).isEqualTo(1);
        assertThat(first.get("image_id").getAsLong()).isEqualTo(5);
        assertThat(first.get("category_id").getAsInt()).isEqualTo(17); // class index 1 -> coco id 17
        JsonArray bbox = first.getAsJsonArray("bbox");
        assertThat(List.of(bbox.get(0).getAsDouble(), bbox.get(1).getAsDouble(), bbox.get(2).getAsDouble(),
                bbox.get(3).getAsDouble())).containsExactly(10.5, 20.0, 30.0, 40.25);
        assertThat(first.get("area").getAsDouble()).isEqualTo(1000);
        assertThat(first.get("iscrowd").getAsInt()).isZero();
        assertThat(anns.get(1).getAsJsonObject().get("iscrowd").getAsInt()).isEqualTo(1);
        assertThat(anns.get(1).getAsJsonObject().get("category_id").getAsInt()).isEqualTo(3);

        JsonArray cats = root.getAsJsonArray("categories");
        assertThat(cats).hasSize(2);
        assertThat(cats.get(1).getAsJsonObject().get("id").getAsInt()).isEqualTo(17);
        assertThat(cats.get(1).getAsJsonObject().get("name").getAsString()).isEqualTo("dog");
        try (var listing = Files.list(file.getParent())) {
            assertThat(listing).containsExactly(file); // no temporary files left behind
        }
    }

    @Test
    void sameDatasetSameBytes(@TempDir Path dir) throws Exception {
        CocoWriter.write(sample(), dir.resolve("x.json"));
        CocoWriter.write(sample(), dir.resolve("y.json"));
        assertThat(Files.readAllBytes(dir.resolve("x.json"))).isEqualTo(Files.readAllBytes(dir.resolve("y.json")));
    }

    @Test
    void rejectsDuplicateAnnotationIdsAndBadClassIndices() {
        List<Category> cats = List.of(new Category(1, "a"));
        ImageRecord dup = new ImageRecord(1, "a.png", 8, 8, List.of(
                new ObjectAnnotation(4, 0, 0, 0, 1, 1, 1, false), new ObjectAnnotation(4, 0, 0, 0, 1, 1, 1, false)));
        assertThatThrownBy(() -> CocoWriter.toJson(new DetectionDataset(Path.of("."), cats, List.of(dup))))
                .hasMessageContaining("annotation id");
        ImageRecord badClass = new ImageRecord(1, "a.png", 8, 8, List.of(
                new ObjectAnnotation(1, 1, 0, 0, 1, 1, 1, false)));
        assertThatThrownBy(() -> CocoWriter.toJson(new DetectionDataset(Path.of("."), cats, List.of(badClass))))
                .hasMessageContaining("class index 1");
    }
}
