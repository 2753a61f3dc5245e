pub fn list_width(cols: u16) -> u16 {
    (cols / 4).clamp(18, 32)
}
