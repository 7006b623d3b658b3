//! `tonghop agencies import | export | list`.

use std::path::Path;

use crate::{
    agency_book,
    db::{agencies, audit, Db},
    error::{AppError, AppResult},
};

use super::{clip, file_name, read_input, write_output};

pub fn import(db: &Db, path: &Path, province: Option<&str>) -> AppResult<()> {
    let bytes = read_input(path)?;
    let mut file = agency_book::read(&bytes, &file_name(path))?;
    if let Some(p) = province {
        file.province = p.to_string();
    }
    let mut conn = db.get()?;
    let counts = agencies::import_registry(&mut conn, &file)?;
    audit::record(
        &mut conn,
        &audit::Actor::system("cli"),
        "agencies.import",
        "province",
        Some(file.province.clone()),
        Some(serde_json::to_string(&counts).expect("counts serialise")),
    )?;
    println!(
        "Đã nhập danh mục cơ quan tỉnh {}: {} cơ quan mới, {} cơ quan cập nhật, {} cách viết mới.",
        file.province, counts.created, counts.updated, counts.aliases_added
    );
    Ok(())
}

pub fn export(db: &Db, province: &str, output: &Path) -> AppResult<()> {
    let mut conn = db.get()?;
    let file = agencies::registry_of(&mut conn, province)?;
    if file.agencies.is_empty() {
        return Err(AppError::NotFound(format!(
            "cơ quan nào của tỉnh {province} (các tỉnh đang có: {})",
            agencies::provinces(&mut conn)?.join(", ")
        )));
    }
    let bytes = if output
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
    {
        serde_json::to_vec_pretty(&file).expect("registry serialises")
    } else {
        agency_book::write(&file)?
    };
    write_output(output, &bytes)?;
    println!(
        "Đã xuất {} cơ quan của tỉnh {province} ra {}.",
        file.agencies.len(),
        output.display()
    );
    Ok(())
}

pub fn list(db: &Db, province: &str) -> AppResult<()> {
    let mut conn = db.get()?;
    let rows = agencies::list(&mut conn, province)?;
    if rows.is_empty() {
        println!("Tỉnh {province} chưa có cơ quan nào trong danh mục.");
        return Ok(());
    }
    println!(
        "{:>5}  {:<48} {:<16} {:<20} Ghi chú",
        "Số", "Tên cơ quan", "Viết tắt", "Loại"
    );
    for a in rows {
        let note = match (a.confirmed, a.active_to) {
            (false, _) => "chờ xác nhận".to_string(),
            (true, Some(to)) => format!("đến {}", to.format("%d/%m/%Y")),
            _ => String::new(),
        };
        println!(
            "{:>5}  {:<48} {:<16} {:<20} {}",
            a.id,
            clip(&a.name, 48),
            clip(a.short_name.as_deref().unwrap_or(""), 16),
            a.kind,
            note
        );
    }
    Ok(())
}
