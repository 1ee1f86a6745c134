//! Active Directory objectGUID: 16 bytes on the wire, Microsoft's mixed-endian text form.

/// The text form of an AD objectGUID: the first three fields little-endian,
/// the last eight bytes as they are (what AD tools and Graph show). A
/// big-endian rendering would give a different, valid-looking UUID, so the
/// conversion lives in one place. Returns `None` unless exactly 16 bytes.
pub fn object_guid_to_string(bytes: &[u8]) -> Option<String> {
    let array: [u8; 16] = bytes.try_into().ok()?;
    Some(uuid::Uuid::from_bytes_le(array).to_string())
}

/// The RFC 4515 filter form of a GUID string, `\b7\e8…`, for a search by GUID.
pub fn object_guid_filter_value(guid: &str) -> Option<String> {
    let uuid = uuid::Uuid::parse_str(guid).ok()?;
    Some(
        uuid.to_bytes_le()
            .iter()
            .map(|b| format!("\\{b:02x}"))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_documented_examples() {
        let wire = [
            0x90, 0x39, 0x5F, 0x19, 0x1A, 0xB5, 0x1B, 0x4A, 0x9E, 0x96, 0x86, 0xC6, 0x6C, 0xB1,
            0x8D, 0x11,
        ];
        assert_eq!(
            object_guid_to_string(&wire).unwrap(),
            "195f3990-b51a-4a1b-9e96-86c66cb18d11"
        );
        assert_eq!(
            object_guid_filter_value("878ce8b7-2713-41a9-a765-5e3905ab5ef2").unwrap(),
            "\\b7\\e8\\8c\\87\\13\\27\\a9\\41\\a7\\65\\5e\\39\\05\\ab\\5e\\f2"
        );
        assert!(object_guid_to_string(&wire[..15]).is_none());
        assert!(object_guid_filter_value("not-a-guid").is_none());
    }
}
