"""Renders a glTF file with Blender Cycles (CPU) under the exact camera and lighting that
inferix-worker uses, for scripts/compare-cycles. Run as:
    blender -b --factory-startup --python scripts/cycles_render.py -- SCENE INFO_JSON W H SPP OUT_PNG [SEED]
Prints one JSON line: {"cycles_render_seconds": ...}.
"""
import json
import sys
import time

import bpy
import numpy
from mathutils import Matrix, Vector

# Debian 12's Blender 3.4 glTF importer still uses `numpy.bool`, which numpy 1.24 removed.
if "bool" not in numpy.__dict__:
    numpy.bool = bool

args = sys.argv[sys.argv.index("--") + 1:]
scene_path, info_path, width, height, spp, out_png = args[:6]
seed = int(args[6]) if len(args) > 6 else 0
info = json.load(open(info_path))

# An empty scene, then the model (the importer converts glTF's Y-up to Blender's Z-up).
bpy.ops.wm.read_factory_settings(use_empty=True)
bpy.ops.import_scene.gltf(filepath=scene_path)
scene = bpy.context.scene


def to_blender(v):
    """glTF / inferix-worker coordinates (Y up) to Blender's (Z up), as the importer does."""
    return Vector((v[0], -v[2], v[1]))


# Camera: inferix-worker's pinhole camera, vertical field of view.
cam = info["camera"]
forward = to_blender(cam["forward"]).normalized()
up = to_blender(cam["up"]).normalized()
right = forward.cross(up).normalized()
camera_data = bpy.data.cameras.new("inferix")
camera_data.sensor_fit = "VERTICAL"
camera_data.angle_y = cam["vertical_fov_degrees"] * 3.141592653589793 / 180.0
camera_data.clip_start = 1e-3
camera_data.clip_end = 1e6
camera = bpy.data.objects.new("inferix", camera_data)
# Blender cameras look down local -Z with local +Y up.
rotation = Matrix((right, up, -forward)).transposed()
camera.matrix_world = Matrix.Translation(to_blender(cam["position"])) @ rotation.to_4x4()
scene.collection.objects.link(camera)
scene.camera = camera

# Lighting: inferix-worker's environment, a sky that is `horizon` at the horizon and `zenith`
# straight up (linear in the direction's height), `ground` below, and a sun given by its
# irradiance (Blender's Sun strength is irradiance in W/m², the same unit; its colour carries
# the channel ratios).
env = info["environment"]
world = bpy.data.worlds.new("inferix")
world.use_nodes = True
nodes, links = world.node_tree.nodes, world.node_tree.links
background = nodes["Background"]
background.inputs["Strength"].default_value = 1.0
direction = nodes.new("ShaderNodeTexCoord")  # "Generated" is the ray direction for worlds
elevation = nodes.new("ShaderNodeSeparateXYZ")
links.new(direction.outputs["Generated"], elevation.inputs[0])
sky = nodes.new("ShaderNodeMixRGB")
sky.use_clamp = True
links.new(elevation.outputs["Z"], sky.inputs["Fac"])
sky.inputs["Color1"].default_value = (*env["horizon"], 1.0)
sky.inputs["Color2"].default_value = (*env["zenith"], 1.0)
below = nodes.new("ShaderNodeMath")
below.operation = "LESS_THAN"
links.new(elevation.outputs["Z"], below.inputs[0])
below.inputs[1].default_value = 0.0
ground = nodes.new("ShaderNodeMixRGB")
links.new(below.outputs[0], ground.inputs["Fac"])
links.new(sky.outputs["Color"], ground.inputs["Color1"])
ground.inputs["Color2"].default_value = (*env["ground"], 1.0)
links.new(ground.outputs["Color"], background.inputs["Color"])
scene.world = world
if env["sun"] is not None:
    irradiance = env["sun"]["irradiance"]
    sun_data = bpy.data.lights.new("sun", type="SUN")
    sun_data.energy = max(irradiance)
    sun_data.color = [c / max(irradiance) for c in irradiance]
    sun_data.angle = 0.0
    sun = bpy.data.objects.new("sun", sun_data)
    # A sun shines along its local -Z: point local +Z at the sun.
    sun.rotation_euler = to_blender(env["sun"]["direction"]).to_track_quat("Z", "Y").to_euler()
    scene.collection.objects.link(sun)

# Path tracing settings matched to inferix-worker: CPU, fixed samples, no denoiser, no
# adaptive sampling, 8 bounces of every kind, no glossy blur, box pixel filter, indirect clamp
# 8, Standard view transform.
scene.render.engine = "CYCLES"
scene.cycles.device = "CPU"
scene.cycles.samples = int(spp)
scene.cycles.seed = seed
scene.cycles.use_adaptive_sampling = False
scene.cycles.use_denoising = False
scene.cycles.max_bounces = 8
scene.cycles.diffuse_bounces = 8
scene.cycles.glossy_bounces = 8
scene.cycles.transmission_bounces = 8
scene.cycles.transparent_max_bounces = 16
scene.cycles.blur_glossy = 0.0
scene.cycles.pixel_filter_type = "BOX"
scene.cycles.sample_clamp_indirect = 8.0
scene.render.resolution_x = int(width)
scene.render.resolution_y = int(height)
scene.render.resolution_percentage = 100
scene.render.film_transparent = False
scene.view_settings.view_transform = "Standard"
scene.view_settings.look = "None"
scene.render.image_settings.file_format = "PNG"
scene.render.image_settings.color_mode = "RGB"
scene.render.filepath = out_png

started = time.perf_counter()
bpy.ops.render.render(write_still=True)
print(json.dumps({"cycles_render_seconds": time.perf_counter() - started}))
