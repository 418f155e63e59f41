/**
 * The platforms memflow plugins are built for, in Node's names, and the one library extension
 * memflow loads on each (`plugin_extension()` in memflow's util.rs).
 */

export type HostPlatform = "linux" | "darwin" | "win32";

/**
 * The plugin platform of a Node platform name (`process.platform`). memflow treats every Unix
 * other than macOS like Linux: ELF libraries named `.so`.
 */
export function hostPlatform(platform: string): HostPlatform {
  return platform === "win32" || platform === "darwin" ? platform : "linux";
}

/** The only extension memflow loads on each platform. */
export function pluginExtension(platform: HostPlatform): "so" | "dylib" | "dll" {
  switch (platform) {
    case "linux":
      return "so";
    case "darwin":
      return "dylib";
    case "win32":
      return "dll";
  }
}
