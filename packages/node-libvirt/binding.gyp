{
  "targets": [
    {
      "target_name": "node_libvirt",
      "sources": ["src/native/addon.cc", "src/native/executor.cc", "src/native/connection.cc", "src/native/domain.cc", "src/native/objects.cc", "src/native/events.cc", "src/native/event-loop.cc"],
      "include_dirs": ["<!@(node -p \"require('node-addon-api').include_dir\")"],
      "cflags_cc": ["-std=c++17", "-O2", "<!@(pkg-config --cflags libvirt)"],
      "cflags_cc!": ["-fno-exceptions"],
      "libraries": ["<!@(pkg-config --libs libvirt)"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED", "NAPI_CPP_EXCEPTIONS"]
    }
  ]
}
