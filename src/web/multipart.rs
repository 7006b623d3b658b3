//! A small multipart/form-data reader for the upload form (one file and a few text fields),
//! working on a body already read under the size limit. Pure; enough for what browsers send
//! (RFC 7578), without pulling a streaming multipart crate into the build.

/// One part: its field name, the file name when it is a file, and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub name: String,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub data: Vec<u8>,
}

/// The boundary from a `multipart/form-data; boundary=…` content type.
pub fn boundary(content_type: &str) -> Option<String> {
    let (kind, params) = content_type.split_once(';')?;
    if !kind.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.split(';').find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| v.trim().trim_matches('"').to_string())
            .filter(|b| !b.is_empty() && b.len() <= 200)
    })
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    (from..=haystack.len() - needle.len()).find(|&i| &haystack[i..i + needle.len()] == needle)
}

/// Splits the body into parts; None when it is not well-formed.
pub fn parse(body: &[u8], boundary: &str) -> Option<Vec<Part>> {
    let delimiter = format!("--{boundary}").into_bytes();
    let next_delim = format!("\r\n--{boundary}").into_bytes();
    let mut pos = find(body, &delimiter, 0)? + delimiter.len();
    let mut parts = Vec::new();
    loop {
        if body.get(pos..pos + 2) == Some(b"--") {
            return Some(parts);
        }
        if body.get(pos..pos + 2) != Some(b"\r\n") {
            return None;
        }
        pos += 2;
        let headers_end = find(body, b"\r\n\r\n", pos)?;
        let headers = std::str::from_utf8(&body[pos..headers_end]).ok()?;
        let data_start = headers_end + 4;
        let data_end = find(body, &next_delim, data_start)?;
        let mut part = Part {
            name: String::new(),
            file_name: None,
            content_type: None,
            data: body[data_start..data_end].to_vec(),
        };
        for line in headers.split("\r\n") {
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            if key.trim().eq_ignore_ascii_case("content-disposition") {
                part.name = param(value, "name")?;
                part.file_name = param(value, "filename");
            } else if key.trim().eq_ignore_ascii_case("content-type") {
                part.content_type = Some(value.trim().to_string());
            }
        }
        parts.push(part);
        pos = data_end + next_delim.len();
    }
}

/// A quoted (or bare) parameter of a Content-Disposition header value.
fn param(value: &str, name: &str) -> Option<String> {
    let mut rest = value;
    while let Some(i) = rest.find(';') {
        rest = rest[i + 1..].trim_start();
        let (key, tail) = rest.split_once('=')?;
        if key.trim().eq_ignore_ascii_case(name) {
            return Some(if let Some(quoted) = tail.strip_prefix('"') {
                let end = quoted.find('"')?;
                quoted[..end].replace("%22", "\"")
            } else {
                tail.split(';').next().unwrap_or("").trim().to_string()
            });
        }
    }
    None
}

/// The file name without any directory a browser may have sent ("C:\\x\\a.xlsx" → "a.xlsx").
pub fn base_name(name: &str) -> String {
    name.rsplit(['/', '\\'])
        .next()
        .unwrap_or(name)
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_fields_and_a_file() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nabc\r\n--XyZ\r\nContent-Disposition: form-data; name=\"tep\"; filename=\"B\xc3\xa1o c\xc3\xa1o.xlsx\"\r\nContent-Type: application/octet-stream\r\n\r\nPK\r\n\x00\x01--X\r\n--XyZ--\r\n";
        let ct = "multipart/form-data; boundary=XyZ";
        let parts = parse(body, &boundary(ct).unwrap()).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].name, "csrf");
        assert_eq!(parts[0].data, b"abc");
        assert_eq!(parts[1].file_name.as_deref(), Some("Báo cáo.xlsx"));
        assert_eq!(parts[1].data, b"PK\r\n\x00\x01--X");
    }

    #[test]
    fn refuses_broken_bodies() {
        assert!(parse(
            b"--a\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nno end",
            "a"
        )
        .is_none());
        assert!(boundary("application/x-www-form-urlencoded").is_none());
        assert_eq!(
            boundary("multipart/form-data; boundary=\"q q\"").as_deref(),
            Some("q q")
        );
    }

    #[test]
    fn base_names() {
        assert_eq!(base_name("C:\\Users\\vt\\BC.xlsx"), "BC.xlsx");
        assert_eq!(base_name("BC.xlsx"), "BC.xlsx");
    }
}
