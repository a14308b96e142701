import json, random, sys
def gen(seed, path_prefix):
    r = random.Random(seed)
    nimg = r.randint(5, 40)
    cat_ids = r.sample([1, 2, 3, 5, 8, 13, 21, 44, 90], r.randint(2, 6))
    images = []; anns = []; dets = []
    ids = list(range(1, nimg + 1)); r.shuffle(ids)
    aid = 1
    for img in ids:
        images.append({'id': img, 'width': 640, 'height': 480, 'file_name': '%d.jpg' % img})
        for _ in range(r.choice([0, 0, 1, 3, 6, 10])):
            c = r.choice(cat_ids[:-1]) if len(cat_ids) > 1 else cat_ids[0]
            kind = r.random()
            if kind < 0.1:
                w, h = 32, 32
            elif kind < 0.2:
                w, h = 96, 96
            else:
                w = round(r.uniform(2, 300), 1); h = round(r.uniform(2, 300), 1)
            x = round(r.uniform(0, 600), 1); y = round(r.uniform(0, 450), 1)
            area = w * h if r.random() < 0.7 else round(w * h * r.uniform(0.4, 1.0), 2)
            crowd = 1 if r.random() < 0.08 else 0
            anns.append({'id': aid, 'image_id': img, 'category_id': c, 'bbox': [x, y, w, h], 'area': area, 'iscrowd': crowd})
            aid += 1
            for _ in range(r.choice([0, 1, 1, 2, 3])):
                jit = r.choice([0, 0.05, 0.1, 0.3])
                dc = c if r.random() < 0.85 else r.choice(cat_ids)
                dx = x + w * r.uniform(-jit, jit); dy = y + h * r.uniform(-jit, jit)
                dw = w * (1 + r.uniform(-jit, jit)); dh = h * (1 + r.uniform(-jit, jit))
                if crowd and r.random() < 0.7:
                    dw, dh = w / 3, h / 3
                dets.append({'image_id': img, 'category_id': dc, 'bbox': [round(dx, 2), round(dy, 2), round(dw, 2), round(dh, 2)],
                             'score': round(r.random(), 2)})
        nfp = r.choice([0, 0, 2, 5, 130]) if r.random() < 0.3 else r.choice([0, 1])
        c = r.choice(cat_ids)
        for _ in range(nfp):
            w = round(r.uniform(2, 200), 1); h = round(r.uniform(2, 200), 1)
            dets.append({'image_id': img, 'category_id': c if nfp > 100 else r.choice(cat_ids),
                         'bbox': [round(r.uniform(0, 600), 1), round(r.uniform(0, 450), 1), w, h], 'score': round(r.random(), 2)})
    # A few detections duplicated exactly in the same image (equal score ties)
    for d in r.sample(dets, min(len(dets), 5)):
        dets.append(dict(d))
    r.shuffle(dets)
    cats = [{'id': c, 'name': 'cat%d' % c} for c in cat_ids]
    json.dump({'images': images, 'annotations': anns, 'categories': cats}, open(path_prefix + '_gt.json', 'w'))
    json.dump(dets, open(path_prefix + '_dets.json', 'w'))
if __name__ == '__main__':
    for s in range(int(sys.argv[1]), int(sys.argv[2])):
        gen(s, 'rnd%d' % s)
