//! Data compiled into the binary, so that it works from any directory: the agency registries
//! of the provinces we ship (`fixtures/agencies/`).

use crate::domain::{
    agency_registry::{AgencyRegistry, RegistryFile},
    fold::fold,
};

const REGISTRIES: [&str; 4] = [
    include_str!("../fixtures/agencies/tra-vinh.json"),
    include_str!("../fixtures/agencies/bac-giang.json"),
    include_str!("../fixtures/agencies/binh-phuoc.json"),
    include_str!("../fixtures/agencies/khanh-hoa.json"),
];

/// The bundled registry of a province, matched by folded name ("Khánh Hoà" = "Khánh Hòa").
pub fn registry(province: &str) -> Option<RegistryFile> {
    let wanted = fold(province);
    REGISTRIES
        .iter()
        .filter_map(|json| AgencyRegistry::parse_json(json).ok())
        .find(|file| fold(&file.province) == wanted)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_bundled_registry_parses_and_is_found_by_any_spelling() {
        for json in super::REGISTRIES {
            let file = super::AgencyRegistry::parse_json(json).unwrap();
            super::AgencyRegistry::from_files(vec![file.clone()]).unwrap();
            assert!(super::registry(&file.province.to_uppercase()).is_some());
        }
        assert!(super::registry("Hà Giang").is_none());
    }
}
