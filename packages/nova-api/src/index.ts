// The public surface of @novakit/nova-api. This file only re-exports.
// The Compute, identity and image APIs arrive module by module (issue 12).
export {};
