//! Checks every chart test makes: the SVG parses as XML, is accessible,
//! scales, references nothing outside itself, and its category labels do
//! not overlap.

use roxmltree::{Document, Node};

use super::svg::{SMALL, text_width};

/// Parses `svg` and checks what every chart must be; returns the tree.
pub fn check<'a>(svg: &'a str, title: &str) -> Document<'a> {
    let doc = Document::parse(svg).unwrap_or_else(|e| panic!("not well-formed ({e}):\n{svg}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(root.attribute("width"), Some("100%"));
    assert_eq!(root.attribute("role"), Some("img"));
    assert_eq!(root.attribute("aria-label"), Some(title));
    assert!(root.attribute("viewBox").is_some_and(|v| v.starts_with("0 0 ")));
    let first = root.first_element_child().expect("a <title>");
    assert_eq!((first.tag_name().name(), first.text()), ("title", Some(title)));
    for node in doc.descendants().filter(Node::is_element) {
        assert!(!matches!(node.tag_name().name(), "script" | "style" | "image" | "use" | "foreignObject"), "{svg}");
        for attr in node.attributes() {
            let (name, value) = (attr.name(), attr.value());
            assert!(!name.starts_with("on") && name != "href" && name != "style", "attribute {name} in {svg}");
            assert!(!value.contains("url(") && !value.contains("javascript:"), "{value} in {svg}");
        }
    }
    assert_apart(&doc, "x-labels");
    doc
}

/// The texts of the `<text>` elements inside the group with `class`.
pub fn texts_in(doc: &Document, class: &str) -> Vec<String> {
    text_nodes(doc, class).map(|n| n.text().unwrap_or_default().to_string()).collect()
}

fn text_nodes<'a>(doc: &'a Document, class: &'a str) -> impl Iterator<Item = Node<'a, 'a>> {
    doc.descendants()
        .filter(move |n| n.attribute("class") == Some(class))
        .flat_map(|g| g.children().filter(|n| n.has_tag_name("text")))
}

/// Centred labels in a row leave room between each other.
fn assert_apart(doc: &Document, class: &str) {
    let spans: Vec<(f64, f64)> = text_nodes(doc, class)
        .map(|n| {
            let x: f64 = n.attribute("x").unwrap().parse().unwrap();
            let half = text_width(n.text().unwrap_or_default(), SMALL) / 2.0;
            (x - half, x + half)
        })
        .collect();
    for pair in spans.windows(2) {
        assert!(pair[0].1 <= pair[1].0, "labels overlap: {spans:?}");
    }
}
