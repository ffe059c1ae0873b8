pub(crate) fn read_json(
    _input: impl std::io::BufRead,
    file: &str,
    _sink: &mut dyn FnMut(crate::Item) -> crate::Result<()>,
) -> crate::Result<()> {
    Err(crate::Error::Format { file: file.to_string(), what: "not read yet".into() })
}
pub(crate) fn read_xml(
    _input: impl std::io::BufRead,
    file: &str,
    _sink: &mut dyn FnMut(crate::Item) -> crate::Result<()>,
) -> crate::Result<()> {
    Err(crate::Error::Format { file: file.to_string(), what: "not read yet".into() })
}
