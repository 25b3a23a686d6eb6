// The public surface of @novakit/nova-api. This file only re-exports.
export {};
